"""Write the synthetic case data files from their seeded generators: python -m academy.data"""

from academy.data import LAW_FIRM_DATA
from academy.data.law_firms import generate_law_firms
from academy.data.pcn_practices import generate_pcn_partners, generate_pcn_practices

GENERATED = {
    LAW_FIRM_DATA / "uk_law_firms.csv": generate_law_firms,
    LAW_FIRM_DATA / "fen_edge_practices.csv": generate_pcn_practices,
    LAW_FIRM_DATA / "fen_edge_partners.csv": generate_pcn_partners,
}

if __name__ == "__main__":
    for path, generate in GENERATED.items():
        generate().to_csv(path, index=False)
        print(f"wrote {path}")
