"""jiuzhang-pipeline: JiuZhang3.0 as a reproducible build graph (library package).

One subpackage per stage: prepare, synthesize, corpus, pack, train, evaluation, report;
`common` holds I/O, hashing, seeding and logging helpers shared by all stages.
"""

__version__ = "0.1.0"
