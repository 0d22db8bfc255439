"""Who publishes each public source, where it lives, and under which licence (one entry per source).

These facts go into the snapshot manifest and onto the Sources and methods page.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

OGL_V3 = "Open Government Licence v3.0"
OGL_V2 = "Open Government Licence v2.0"
MPS_ATTRIBUTION = "Contains public sector information from the Metropolitan Police Service (London Datastore), licensed under the {licence}."


@dataclass(frozen=True)
class Source:
    title: str
    publisher: str
    url: str
    licence: str
    attribution: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


GEOGRAPHY = Source(
    title="Statistical GIS Boundary Files for London (London_Borough_Excluding_MHW); borough-to-BCU table compiled from MPS announcements",
    publisher="Greater London Authority (London Datastore); Metropolitan Police Service",
    url="https://data.london.gov.uk/dataset/statistical-gis-boundary-files-london",
    licence=OGL_V3,
    attribution="Contains National Statistics data © Crown copyright and database right. Contains Ordnance Survey data © Crown copyright and database right.",
)
HOMICIDE_VICTIMS = Source(
    title="MPS Homicide Dashboard Data (homicide victims)",
    publisher="Metropolitan Police Service, via the London Datastore",
    url="https://data.london.gov.uk/dataset/mps-homicide-dashboard-data-2l1w8",
    licence=OGL_V2,
    attribution=MPS_ATTRIBUTION.format(licence=OGL_V2),
)
KNIFE_CRIME = Source(
    title="MPS Monthly Crime Dashboard Data, KnifeCrimeData",
    publisher="Metropolitan Police Service, via the London Datastore",
    url="https://data.london.gov.uk/dataset/e5n6w",
    licence=OGL_V2,
    attribution=MPS_ATTRIBUTION.format(licence=OGL_V2),
)
BOROUGH_CRIME = Source(
    title="MPS Recorded Crime: Geographic Breakdown (Borough Level Crime, recent and historical)",
    publisher="Metropolitan Police Service, via the London Datastore",
    url="https://data.london.gov.uk/dataset/mps-recorded-crime-geographic-breakdown-exy3m",
    licence=OGL_V2,
    attribution=MPS_ATTRIBUTION.format(licence=OGL_V2),
)
STOP_SEARCH = Source(
    title="Stop and search data, Metropolitan Police Service",
    publisher="Home Office, data.police.uk",
    url="https://data.police.uk/data/",
    licence=OGL_V3,
    attribution=f"Contains public sector information from data.police.uk, licensed under the {OGL_V3}.",
)
STOP_SEARCH_THIRD_PARTY = Source(
    title="Monthly Met searches by object of search, aggregated from data.police.uk by elliottkte/uk-crime-analysis",
    publisher="Third party (GitHub elliottkte/uk-crime-analysis), from Home Office data.police.uk",
    url="https://github.com/elliottkte/uk-crime-analysis",
    licence=OGL_V3,
    attribution=f"Derived from data.police.uk, licensed under the {OGL_V3}.",
)
POPULATION = Source(
    title="ONS mid-year population estimates (MYE2 persons, single year of age) and Census 2021 ethnic group",
    publisher="Office for National Statistics",
    url="https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/populationestimates",
    licence=OGL_V3,
    attribution=f"Source: Office for National Statistics licensed under the {OGL_V3}.",
)
ONS_PFA = Source(
    title="Crime in England and Wales: Police force area data tables (Tables P1 and P5)",
    publisher="Office for National Statistics (Home Office police recorded crime and Homicide Index)",
    url="https://www.ons.gov.uk/peoplepopulationandcommunity/crimeandjustice/datasets/policeforceareadatatables",
    licence=OGL_V3,
    attribution=f"Source: Office for National Statistics licensed under the {OGL_V3}.",
)
PUBLISHED = Source(
    title="Figures stated in public by the Metropolitan Police, City Hall and the press (register compiled for this project)",
    publisher="Various; each statement names its publisher and address",
    url="https://www.london.gov.uk/media-centre",
    licence="Quotations of public statements, reproduced with attribution",
    attribution="Each figure is quoted with who stated it, where and when; as stated, not re-derived.",
)
