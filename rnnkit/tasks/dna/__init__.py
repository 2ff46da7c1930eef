"""DNA classification: splice junctions (exon/intron, intron/exon, neither) from 60 bases, with a bidirectional recurrent network.

In a notebook::

    from rnnkit.tasks import dna
    run = dna.train(out="runs/dna")                         # the bundled, deduplicated UCI splice data
    print(dna.evaluate(run.out).as_text())                  # its test split: per-class scores, confusion matrix
    print(dna.predict(run.out, ["CCAGCTGCATCACAGGAGGCCAGCGAGCAGGTCTGTTCCAAGGGCCTTCGAGCCAGTCTG"]))
"""

from .bases import ALPHABET, BaseEncoder, deduplicated, read_rows, reverse_complement, stratified_split
from .evaluation import eval_text, evaluate, load_dna_classifier, predict, predict_text
from .settings import DNASettings
from .training import train

load = load_dna_classifier  # every task exports train, load, evaluate and predict under these names (rnnkit.tasks.registry)

__all__ = ["ALPHABET", "BaseEncoder", "DNASettings", "deduplicated", "eval_text", "evaluate", "load", "load_dna_classifier", "predict",
           "predict_text", "read_rows", "reverse_complement", "stratified_split", "train"]
