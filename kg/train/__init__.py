"""Training and cross-validation of the learned relation scorer (``kg.scorer``).

Needs the annotated data in ``../shared`` and scikit-learn; nothing here runs at build time.
"""
