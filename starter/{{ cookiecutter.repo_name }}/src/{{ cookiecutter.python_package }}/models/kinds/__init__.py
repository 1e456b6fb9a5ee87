"""The built-in model kinds: one module (or package) each, named as the kind, whose
``KIND`` is its :class:`~{{ cookiecutter.python_package }}.models.Model` subclass. A kind of your own can
live here too, or anywhere its block's ``class:`` names (docs/adapting.md)."""
