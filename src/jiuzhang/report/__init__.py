"""Reports: the paper's benchmark table from per-benchmark metrics files."""

from jiuzhang.report.table import run_report_table

__all__ = ["run_report_table"]
