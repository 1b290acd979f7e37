"""Rencana: problems and potentials, proposals (usulan), musrenbang flow, RPJMDes/RKPDes documents,
project monitoring."""
