"""The symbolic model's per-shape frame and the stores kept from one document to the next: a document
built after others of its shape is the one built first in a fresh process."""
from __future__ import annotations

import dataclasses
import gc
import math

import pytest

import derive
from derive import collector
from derive.crosscheck import reference
from derive.exercises import generate
from derive.exercises.data import worked
from derive.ir.walk import dump
from derive.symbolic import Model, forget


@pytest.mark.parametrize("level, network, activation", [("full-step", "2-2-2", "sigmoid"),
                                                        ("softmax", "2-3-3", "tanh"),
                                                        ("hidden-gradient", "2-3-2", "leaky_relu")])
def test_a_shapes_later_documents_equal_their_cold_builds(level, network, activation):
    """Variants of one shape share the model's frame, the matrices' expressions and the printed
    templates; each derivation must still be exactly the one a cold build gives (no number of an
    earlier variant anywhere in it)."""
    specs = [derive.load(worked(v)) for v in generate(4, 11, level, network, activation)]
    numbers = [reference(spec) for spec in specs]
    forget()
    warm = [dump(derive.build(spec, numbers=n)) for spec, n in zip(specs, numbers)]  # each after the others
    cold = []
    for spec, n in zip(specs, numbers):
        forget()
        cold.append(dump(derive.build(spec, numbers=n)))
    assert warm == cold
    assert len(set(warm)) == len(specs)  # the variants' numbers do differ


def test_the_frame_is_shared_by_a_shape_and_its_neurons_carry_no_values():
    a = derive.load("two-two-two")
    b = dataclasses.replace(a, weights=tuple(tuple(tuple(w + 0.25 for w in row) for row in layer)
                                             for layer in a.weights))
    first, second = Model(a), Model(b)
    assert second.layers is first.layers  # one shape, one frame
    expected = [w for layer in b.weights for row in layer for w in row] + [v for layer in b.biases for v in layer]
    assert [p.value for p in second.params] == expected  # each model's values are its own spec's
    assert [p.value for p in first.params] != expected
    assert all(math.isnan(p.value) for layer in first.layers for n in layer for p in n.params)
    forget()
    assert Model(a).layers is not first.layers


def test_a_build_defers_the_collectors_full_passes_and_restores_its_thresholds():
    """Inside `collector.deferred` young passes run (cycles are freed) but no full pass; after it, the
    thresholds are the caller's own, as they are after a build."""
    before = gc.get_threshold()
    full, young = gc.get_stats()[2]["collections"], gc.get_stats()[0]["collections"]
    kept_alive = []
    with collector.deferred():
        for _ in range(300_000):  # survivors, which would bring on a full pass, and cycles, freed young
            kept_alive.append([])
            cycle = []
            cycle.append(cycle)
    assert gc.get_stats()[2]["collections"] == full
    assert gc.get_stats()[0]["collections"] > young
    assert gc.get_threshold() == before
    derive.build(derive.load("two-two-two"))
    assert gc.get_threshold() == before
