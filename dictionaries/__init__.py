"""The shipped dictionaries and language model, installed as the package `planparse.data`."""
