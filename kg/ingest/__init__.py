"""Ingesting saved articles: `kg new` on web pages, PDFs, RSS/Atom feeds, text files or folders.

- `formats`: what a file is, told from its bytes, and the size limits checked before reading;
- `page`, `pdf`, `feed`: the extractors (trafilatura, pypdf, feedparser, imported lazily);
- `fetch`: `kg new URL`, the only network access, bounded in size, time and redirects;
- `duplicates`: the same text, or the same story (word shingles), as a source already here;
- `batch`: read every input, then check duplicates, then write each source folder whole.

Every input is read and checked before anything is written: a refused file leaves the sources
folder as it was.
"""
