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
``Hopfield``             Hebbian associative memory, deterministic dynamics       ``hopfield``
=======================  ======================================================  ==============

**One estimator shape** (shared with ``companion.pretraining.Autoencoder``; docs/architecture.md §4):

* ``fit(...)`` returns ``self`` and restarts: it draws a fresh initialisation from the model's
  ``seed`` (0 by default; ``rng`` wins when given), so fitting twice gives the same model;
* after ``fit``, ``history_`` is a list with one record per epoch or iteration of what the model
  minimises or tracks: the k-means distortion (``RBFNetwork``), the cost after each output phase
  (``CascadeCorrelation``), the number of rows that changed category (``ART1``), the
  quantization error (``SOM``), the cost at the start of each epoch (``Elman``), the
  reconstruction error (``RBM``, ``Autoencoder``), the mean energy of the patterns stored so far
  (``Hopfield``, whose Hebbian fit draws nothing);
* supervised models predict what they were fitted to: ``predict`` returns labels for a
  classifier (``CascadeCorrelation``) and targets for a regressor (``RBFNetwork``, ``Elman``);
  ``forward`` returns the raw outputs;
* unsupervised models (``SOM``, ``ART1``, ``RBM``, ``Autoencoder``) give their representation
  with ``transform``, and ``predict`` only where it means something (``ART1``'s category,
  ``Hopfield``'s recalled pattern);
* gradients come as a list aligned with ``parameters()``, as for ``MLP`` and ``Sequential``
  (``Elman``); ``RBM.cd_gradients`` is the CD-k estimate, a dict shaped like ``params``.

dtypes: the networks compute in float64 whatever the input, except ``RBFNetwork``, whose
k-means and least squares run in the dtype of ``X`` (float32 in, float32 out) and ``ART1``,
which works on 0/1 int8 patterns. Every class never modifies its inputs and raises
``ValueError``/``TypeError`` naming the argument for bad shapes, values and for a call before
``fit`` (one set of checks, ``companion._validation``: a non-integer count is a ``TypeError``, an
out-of-range one a ``ValueError``).
"""
from companion.classic.art import ART1, art1_choice, art1_match, art1_present
from companion.classic.cascade import CascadeCorrelation, candidate_scores_and_gradients, correlation_score
from companion.classic.elman import Elman
from companion.classic.hopfield import Hopfield, hebbian_weights, hopfield_energy
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
    "Hopfield", "hebbian_weights", "hopfield_energy",
]
