"""The story layer: words built from results, the claims ledger, key findings and back matter.

Every sentence that carries a number is a tested function here, so a notebook
cell stays a line or a few and no number is typed into prose; so are the
figures' titles, subtitles, alt text and notes (one function per figure in the
chapter's module). Every number a reader sees is written by
:mod:`kzmv.story.numbers`. :mod:`kzmv.story.display` is how a notebook shows
that prose and its figures and records the values tests read back.
"""
