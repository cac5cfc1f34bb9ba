"""Write the synthetic case data files from their seeded generators: python -m academy.data"""

from academy.data import DELAYED_DISCHARGES_DATA, LAW_FIRM_DATA, WORKFORCE_DATA
from academy.data.delayed_transfers import (
    generate_national_delayed_days,
    generate_trust_delayed_transfers,
    generate_trust_spells,
)
from academy.data.law_firms import generate_law_firms
from academy.data.pcn_practices import generate_pcn_partners, generate_pcn_practices
from academy.data.workforce import generate_national_gp_workforce, generate_published_figures, generate_staff_records

GENERATED = {
    LAW_FIRM_DATA / "uk_law_firms.csv": generate_law_firms,
    LAW_FIRM_DATA / "fen_edge_practices.csv": generate_pcn_practices,
    LAW_FIRM_DATA / "fen_edge_partners.csv": generate_pcn_partners,
    DELAYED_DISCHARGES_DATA / "national_delayed_days.csv": generate_national_delayed_days,
    DELAYED_DISCHARGES_DATA / "trust_delayed_transfers.csv": generate_trust_delayed_transfers,
    DELAYED_DISCHARGES_DATA / "trust_spells.csv": generate_trust_spells,
    WORKFORCE_DATA / "staff_records.csv": generate_staff_records,
    WORKFORCE_DATA / "national_gp_workforce.csv": generate_national_gp_workforce,
    WORKFORCE_DATA / "published_figures.csv": generate_published_figures,
}

if __name__ == "__main__":
    for path, generate in GENERATED.items():
        generate().to_csv(path, index=False)
        print(f"wrote {path}")
