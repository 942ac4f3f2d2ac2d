"""Schema, loading and validation of a data package. Never imports dash."""

from app.dataset.package import Dataset, build_dataset, load_package
from app.dataset.problems import Problem, flatten
from app.dataset.schema import Schema, load_schema

__all__ = ["Dataset", "Problem", "Schema", "build_dataset", "flatten", "load_package", "load_schema"]
