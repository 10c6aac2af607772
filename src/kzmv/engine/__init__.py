"""The engine: pipeline.yml -> DAG -> papermill -> render -> publish, and the tools around it.

The pipeline declaration and what is derived from it (:mod:`.pipeline`), the
build's folders, lock, cache, staging and publish (:mod:`.layout`, :mod:`.lock`,
:mod:`.cache`, :mod:`.publish`), the DAG loop and one notebook's papermill run
(:mod:`.dag`, :mod:`.execute`), the HTML report and the PDF (:mod:`.render`,
:mod:`.figure_panel`, :mod:`.pdf`), and ``make params``, ``make bench`` and
``make env-files`` (:mod:`.cells`, :mod:`.bench`, :mod:`.envfiles`).

It may use every other layer, and nothing imports it but the command line.
"""
