"""Dues pages, one module per concept; ``urls.py`` names them."""
