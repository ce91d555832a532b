"""The public pages: home, categories, the document page and reader, upload, download, the
document lists of `/me`, health and robots. The top layer: a page composes what the apps below
hold (the library's documents, community actions, search, discovery's related lists)."""
