"""Classic networks beyond the multilayer perceptron (chapter 11), one module each.

=======================  ======================================================  ==============
name                     what it is                                              module
=======================  ======================================================  ==============
``RBFNetwork``           Gaussian units at k-means centres, least-squares output  ``rbf``
``ART1``                 adaptive resonance for binary patterns (fast learning)   ``art``
``SOM``                  Kohonen's self-organizing map on a rectangular grid      ``som``
``CascadeCorrelation``   grows frozen hidden units that track the residual error  ``cascade``
``Elman``                simple recurrent network trained by BPTT                 ``elman``
``RBM``                  restricted Boltzmann machine trained by CD-k             ``rbm``
=======================  ======================================================  ==============

Every class takes ``seed``/``rng`` where it draws, works in float64, never modifies its inputs
and raises ``ValueError``/``TypeError`` naming the argument for bad shapes, values and for a
call before ``fit``.
"""
from companion.classic.art import ART1, art1_choice, art1_match, art1_present
from companion.classic.cascade import CascadeCorrelation, candidate_scores_and_gradients, correlation_score
from companion.classic.elman import Elman
from companion.classic.rbf import RBFNetwork, kmeans, mean_center_distance, rbf_activations
from companion.classic.rbm import RBM, all_binary
from companion.classic.som import SOM, decay, grid_positions, neighbourhood, som_step

__all__ = [
    "RBFNetwork", "kmeans", "rbf_activations", "mean_center_distance",
    "ART1", "art1_choice", "art1_match", "art1_present",
    "SOM", "som_step", "neighbourhood", "grid_positions", "decay",
    "CascadeCorrelation", "correlation_score", "candidate_scores_and_gradients",
    "Elman",
    "RBM", "all_binary",
]
