"""Build well-formed sample documents in code, for the demo library, warm-up and tests.

``text`` generates Chinese-first report paragraphs; ``office`` writes DOCX, PPTX, XLSX, CSV,
TXT and RTF, ``pdf`` PDF and ``epub`` EPUB files from them; ``images`` draws the PNG chart a
DOCX may embed and ``files`` holds what they share (fixed timestamps, writing the file).
Nothing here touches the network and no binary fixture has to be committed: every file is
generated deterministically from a seed. Hostile and real-world test files are built by
``tests.samples``.
"""
