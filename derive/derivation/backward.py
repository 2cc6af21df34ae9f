"""The backward pass of one sample: every neuron's dE/dout (the loss's derivative, or the sum over
the paths through the next layer), dout/din (or a softmax layer's Jacobian row) and delta, and every
written parameter's chain rule, factor by factor. Each factor is SymPy's derivative of one local
expression, evaluated at the sample's values; the chain rule multiplies and sums them."""
from __future__ import annotations

import sympy as sp

from .. import fmt, keys
from ..ir import Chain, Eq, Factor, LayerBackward, NeuronBackward, Path, Term, Value
from ..spec import Param
from ..spec.vocabulary import SIMPLIFIED_DELTA
from ..symbolic import Model, Neuron, label, local_derivative, partial, proofs
from .book import Book, dedupe_forms


class Backward:
    """The deltas and chains of sample `index`, for the parameters in `focus`."""

    def __init__(self, model: Model, book: Book, index: int, focus: set[str]):
        self.model, self.book, self.s, self.focus = model, book, index, focus
        self.deltas: dict[str, tuple[sp.Symbol, Value]] = {}
        self.known: dict[str, tuple[Eq, ...]] = {}  # label -> the factors of delta derived in its section
        self.givens: dict[str, Eq] = {}  # label -> in_n = its net input, printed once

    def backward_layer(self, shown: tuple[Neuron, ...], layer: tuple[Neuron, ...]) -> LayerBackward:
        """The deltas of the `shown` neurons of `layer` (all of it, unless a focus needs fewer)."""
        output_layer = layer[0].layer == len(self.model.layers)
        d_outs = {n.label: self.d_out_output(n) if output_layer else self.d_out_hidden(n) for n in shown}
        neurons = tuple(self.backward_neuron(n, layer, d_outs) for n in shown)
        shared = tuple(self.chain(p, layer) for p in layer[0].params
                       if p.dest is None and p.kind == "bias" and p.trainable and p.name in self.focus)
        return LayerBackward(layer[0].layer, neurons, shared, outputs_first=not layer[0].activation.elementwise)

    def backward_neuron(self, n: Neuron, layer: tuple[Neuron, ...], d_outs: dict[str, Factor]) -> NeuronBackward:
        """delta_n = dE/din_n: dE/dout_n * dout_n/din_n, or for softmax the sum over the layer's outputs."""
        model, book = self.model, self.book
        if n.activation.elementwise:
            d_net, jacobian = self.d_net(n), ()
            pairs = [(d_outs[n.label], d_net)]
            general = sp.Mul(partial(model.loss_total, n.out), partial(n.out, n.net), evaluate=False)
        else:
            d_net, jacobian = None, tuple(self.jacobian_factor(k, n, layer) for k in layer)
            pairs = [(d_outs[k.label], factor) for k, factor in zip(layer, jacobian)]
            general = sp.Add(*(sp.Mul(partial(model.loss_total, k.out), partial(k.out, n.net), evaluate=False)
                               for k in layer), evaluate=False)
        products = [sp.Mul(*(book.placeholder(f.symbol, f.eq.value.key, f.eq.value.value)[0] for f in pair),
                           evaluate=False) for pair in pairs]
        delta_symbol = model.delta[n.label]
        shares = [a.eq.value.value * b.eq.value.value for a, b in pairs]
        delta_value = book.assign(delta_symbol, keys.delta(self.s, n.label), fmt.settled(sum(shares), shares))
        forms = (partial(model.loss_total, n.net), general, sp.Add(*products, evaluate=False) if len(products) > 1
                 else products[0])
        delta = book.eq(delta_symbol, tuple(dedupe_forms(forms)), delta_value)
        self.deltas[n.label] = (delta_symbol, delta_value)
        if n.activation.elementwise:
            known = tuple(Eq(f.symbol, (), f.eq.value) for f in (d_outs[n.label], d_net))
        else:
            known = (Eq(book.tex(partial(model.loss_total, n.net)), (), delta_value),)
        self.known[n.label] = known
        chains = tuple(self.chain(p, (n,)) for p in n.params
                       if p.trainable and (p.dest is not None or p.kind == "weight") and p.name in self.focus)
        return NeuronBackward(n.label, label(n.label), n.layer == len(model.layers), d_outs[n.label], d_net,
                              jacobian, delta, self.simplified(n, delta_value), chains)

    def simplified(self, n: Neuron, delta: Value) -> Eq | None:
        """Softmax with cross-entropy, sigmoid with binary cross-entropy: the output delta_n = out_n - t_n,
        a SymPy-proved identity, with numbers."""
        model, book = self.model, self.book
        if n.layer != len(model.layers) or (n.activation.name, model.spec.loss) not in SIMPLIFIED_DELTA:
            return None
        if n.activation.elementwise:
            proofs.check_sigmoid_bce()
        else:
            proofs.check_softmax_cross_entropy(len(model.outputs))
        form = sp.Add(n.out, sp.Mul(-1, model.targets[n.index], evaluate=False), evaluate=False)
        return book.eq(model.delta[n.label], (form,), book.value(delta.key, book.evaluate(form)))

    def jacobian_factor(self, k: Neuron, n: Neuron, layer: tuple[Neuron, ...]) -> Factor:
        """dout_k/din_n for a softmax layer: SymPy's derivative, then the form y_k (delta_kn - y_n)."""
        book = self.book
        derivative = local_derivative(k.out_eval, n.net)
        rewrite = n.activation.jacobian_from_outputs(k.index, n.index, tuple(m.out for m in layer))
        value = book.value(keys.d_activation(self.s, k.label, n.label), book.evaluate(derivative))
        symbol = partial(k.out, n.net)
        given = Eq(book.tex(k.out), (book.tex(k.out_expr),))
        return Factor(book.tex(symbol), book.tex(n.net), given, book.eq(symbol, (derivative, rewrite), value))

    def d_out_output(self, n: Neuron) -> Factor:
        """dE/dout of an output neuron: the derivative of the loss."""
        model, book = self.model, self.book
        derivative = local_derivative(model.loss_expr, n.out)
        proofs.check_loss(model.loss.name, len(model.outputs))
        rewrite = model.loss.derivative(model.targets[n.index], n.out, len(model.outputs))
        value = book.value(keys.d_out(self.s, n.label), book.evaluate(derivative))
        symbol = partial(model.loss_total, n.out)
        given = book.eq(model.loss_total, (model.loss_display,), None, with_numbers=False)
        return Factor(book.tex(symbol), book.tex(n.out), given, book.eq(symbol, (derivative, rewrite), value))

    def d_out_hidden(self, n: Neuron) -> Factor:
        """dE/dout of a hidden neuron: the sum over the paths through every neuron of the next layer."""
        model, book = self.model, self.book
        paths, general, with_deltas, total, shares = [], [], [], 0.0, []
        for m in model.layers[n.layer]:
            local = self.local_factor(m, n.out, keys.d_net_d_source(self.s, m.label, n.label))
            delta_symbol, delta_value = self.deltas[m.label]
            local_symbol, _ = book.placeholder(local.symbol, local.eq.value.key, local.eq.value.value)
            product_value = book.value(keys.path(self.s, n.label, m.label),
                                       delta_value.value * local.eq.value.value)
            product_form = sp.Mul(delta_symbol, local_symbol, evaluate=False)
            product = Eq(book.tex(product_form), (book.substituted(product_form),), product_value)
            total += product_value.value
            shares.append(product_value.value)
            delta_eq = Eq(book.tex(delta_symbol), (book.tex(partial(model.loss_total, m.net)),), delta_value)
            paths.append(Path(m.label, label(m.label), delta_eq, local, product))
            general.append(sp.Mul(partial(model.loss_total, m.net), partial(m.net, n.out), evaluate=False))
            with_deltas.append(sp.Mul(delta_symbol, m.net_derivative(n.out), evaluate=False))
        symbol = partial(model.loss_total, n.out)
        value = book.value(keys.d_out(self.s, n.label), fmt.settled(total, shares))
        forms = tuple(sp.Add(*terms, evaluate=False) if len(terms) > 1 else terms[0]
                      for terms in (general, with_deltas))
        return Factor(book.tex(symbol), book.tex(n.out), None, book.eq(symbol, forms, value), tuple(paths))

    def d_net(self, n: Neuron) -> Factor:
        """dout/din: the activation's derivative by SymPy, then its rewrite in terms of the output."""
        book = self.book
        derivative = n.activation.derivative(n.net)
        rewrite = n.activation.derivative_from_output(n.out)
        value = book.value(keys.d_activation(self.s, n.label), book.evaluate(derivative))
        if rewrite is not None:
            shown = book.evaluate(rewrite)
            if abs(shown - value.value) > 1e-12 * max(1.0, abs(shown)):
                raise AssertionError(f"rewrite of {n.activation.name}' disagrees at {n.label}")
        forms = (derivative,) if rewrite is None else (derivative, rewrite)
        # a saturated output (1 - 3.6e-11, shown 0.99999999996) cannot give out (1 - out) from its shown
        # digits: the numbers then go into SymPy's form, in terms of the net input
        symbol = partial(n.out, n.net)
        given = Eq(book.tex(n.out), (book.tex(n.out_expr),))
        return Factor(book.tex(symbol), book.tex(n.net), given, book.eq(symbol, forms, value, fallback=derivative))

    def local_factor(self, n: Neuron, wrt: sp.Symbol, key: str) -> Factor:
        """d in_n / d wrt, the derivative of n's net input with respect to one of its symbols."""
        book = self.book
        derivative = n.net_derivative(wrt)
        value = book.value(key, book.evaluate(derivative))
        symbol = partial(n.net, wrt)
        if n.label not in self.givens:
            self.givens[n.label] = Eq(book.tex(n.net), (book.tex(n.net_display),))
        given = self.givens[n.label]
        return Factor(book.tex(symbol), book.tex(wrt), given, book.eq(symbol, (derivative,), value))

    def chain(self, p: Param, neurons: tuple[Neuron, ...]) -> Chain:
        """dE/dp = sum over the neurons p feeds of dE/dout * dout/din * din/dp."""
        model, book = self.model, self.book
        p_symbol = model.param_symbol[p.name]
        general, terms, shown, total, shares = [], [], [], 0.0, []
        for n in neurons:
            local = self.local_factor(n, p_symbol, keys.d_net_d_param(self.s, n.label, p.name))
            delta_symbol, delta_value = self.deltas[n.label]
            first = ((partial(model.loss_total, n.out), partial(n.out, n.net)) if n.activation.elementwise
                     else (partial(model.loss_total, n.net),))
            general.append(sp.Mul(*first, partial(n.net, p_symbol), evaluate=False))
            delta = Eq(book.tex(delta_symbol), (), delta_value)
            terms.append(Term(n.label, label(n.label), self.known[n.label], delta, local))
            shown.append(sp.Mul(delta_symbol, n.net_derivative(p_symbol), evaluate=False))
            total += delta_value.value * local.eq.value.value
            shares.append(delta_value.value * local.eq.value.value)
        symbol = partial(model.loss_total, p_symbol)
        value = book.value(keys.sample_gradient(self.s, p.name), fmt.settled(total, shares))
        result = book.eq(symbol, (sp.Add(*shown, evaluate=False) if len(shown) > 1 else shown[0],), value)
        general_form = sp.Add(*general, evaluate=False) if len(general) > 1 else general[0]
        return Chain(p.name, book.names[p_symbol], book.eq(symbol, (general_form,), None, with_numbers=False),
                     tuple(terms), result)
