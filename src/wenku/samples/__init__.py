"""Build sample documents in code for tests and demos.

``documents`` makes well-formed files (DOCX, PPTX, XLSX, CSV, TXT, RTF, PDF, EPUB) with
Chinese-first content; ``hostile`` makes malformed or malicious inputs (zip bombs, XXE,
encrypted and truncated files, executables). Nothing here touches the network and no
binary fixture has to be committed: every file is generated deterministically from a seed.
"""
