"""{{ cookiecutter.project_name }}: a production-grade Kedro project for tabular machine learning."""

__version__ = "0.1.0"
