"""lettools: models of leveraged and inverse ETFs, behind the book *The Daily Reset*.

Conventions: returns are simple decimals (0.01 is 1%); rates, fees and
volatilities are annual decimals; a year has ``periods_per_year`` trading days
(252 by default).
"""

__version__ = "0.1.0"
