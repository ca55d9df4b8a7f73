"""The assessment report: one self-contained HTML file and a JSON file with every figure."""
