"""torch ops: ``dispatch`` runs them, ``registry`` names them, ``load`` imports them all and
attaches Tensor methods and operators. One module per family (pointwise, reduction, shape, ...)."""
