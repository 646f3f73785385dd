"""Models learned from the hand-annotated corpora: training scripts, run by hand, that write weights as data."""
