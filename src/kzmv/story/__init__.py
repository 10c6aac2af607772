"""The story layer: prose built from numbers, the claims ledger, key findings and back matter.

Every sentence that carries a number is a tested function here, so a notebook
cell stays a line or a few and no number is typed into prose.
:mod:`kzmv.story.display` is how a notebook shows that prose and records the
values tests read back.
"""
