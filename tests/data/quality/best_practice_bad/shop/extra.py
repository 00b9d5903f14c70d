"""Planted style problems (fixture for the best-practice check)."""
import os
def label( name:str )->str:
    return "item: "+name
