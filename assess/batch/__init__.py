"""Many clips at once: ``assess batch`` over a folder or a list file, here or on a Ray cluster.

- :mod:`assess.batch.inputs`: the clips of a folder or a list file (``CLIP,MOVEMENT[,HEIGHT_CM]``);
- :mod:`assess.batch.work`: one clip's analysis as a result or a one-line reason;
- :mod:`assess.batch.records`: report folders, the resume record and ``summary.csv``;
- :mod:`assess.batch.runner`: the batch, run here or (:mod:`assess.batch.cluster`) on Ray;
- :mod:`assess.batch.display`: progress lines and the summary table.
"""

from assess.batch.inputs import BatchItem, batch_items
from assess.batch.runner import BatchOutcome, run_batch

__all__ = ["BatchItem", "BatchOutcome", "batch_items", "run_batch"]
