"""Generators of sample files for tests and benches only; the site never imports them.

``hostile`` makes malformed or malicious inputs (zip bombs, XXE, encrypted and truncated
files, executables), ``realworld`` one file per class of real upload that broke conversion,
and ``near_duplicates`` altered copies of a text and English prose to alter. The well-formed
documents they build on come from ``wenku.samples`` (kept in the package for the demo library
and the conversion worker's warm-up).
"""
