"""Registry of custom expectation classes: importing a module registers its classes with Great Expectations.

Suites are loaded only after this package is imported (``validations.suites_io`` does it), because GX drops an
expectation of an unknown type instead of failing. The owner of each topic owns its module; add one import line.
"""

from validations.expectations import copy as copy
from validations.expectations import inputs as inputs
