"""The Network dialog: choose another architecture, loss or optimizer for the
current data, and start training it afresh (from the current weights when the
layer sizes, seed and initialisation stay; one activation per hidden layer may
be typed in "Per layer").

The dialog edits a :class:`~bpsim.model.sessions.setup.NetworkSetup`; the model checks
it (:func:`~bpsim.model.sessions.setup.validate`) while the user types, and OK stays
disabled while anything is wrong. :func:`edit_network` runs it and returns
the rebuilt session (or an :class:`~bpsim.model.sessions.setup.OrderChange`).
"""

from __future__ import annotations

import html
import itertools
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from bpsim.model.data.dataset import Dataset
from bpsim.model.engine.activations import ACTIVATIONS
from bpsim.model.engine.losses import REQUIRED_OUTPUT
from bpsim.model.engine.update_order import UPDATE_ORDER_NAMES, UPDATE_ORDER_TIP
from bpsim.model.sessions.session import Session, suggested_output
from bpsim.model.sessions.session_checks import MAX_SEED
from bpsim.model.sessions.setup import (
    ACTIVATION_LABELS,
    INIT_LABELS,
    LOSS_LABELS,
    OPTIMIZER_LABELS,
    NetworkSetup,
    OrderChange,
    format_hidden,
    n_parameters,
    order_change,
    parse_activations,
    parse_hidden,
    rebuild,
    same_weights,
    setup_of,
    validate,
)
from bpsim.ui.window.spin_boxes import LEARNING_RATES, LogSpinBox

PROBLEM_COLOR = "#d55e00"  # Okabe–Ito vermillion: readable on light and dark backgrounds
RANDOM_SEED = -1  # the seed box's "random" entry: seed None
W = TypeVar("W", bound=QWidget)


def _tip(widget: W, tip: str) -> W:
    widget.setToolTip(tip)
    return widget


def _combo(labels: dict[str, str], tip: str) -> QComboBox:
    combo = _tip(QComboBox(), tip)
    for name, label in labels.items():
        combo.addItem(label, name)
    return combo


def _select(combo: QComboBox, name: str) -> None:
    index = combo.findData(name)
    if index < 0:  # a name this dialog does not offer: show it rather than lose it
        combo.addItem(name, name)
        index = combo.count() - 1
    combo.setCurrentIndex(index)


def _hbox(*widgets: QWidget, stretch: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget, int(widget is stretch))
    return row


def _sentence(problem: str) -> str:
    return problem[:1].upper() + problem[1:] + "."


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class NetworkDialog(QDialog):
    """Edits a :class:`NetworkSetup` for ``dataset``, starting from ``current``.

    The input and output layers are fixed by the data; everything else can
    change. Reset returns to ``current``.
    """

    def __init__(
        self, dataset: Dataset, current: NetworkSetup, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.dataset = dataset
        self.current = current
        self._loading = False
        self.setWindowTitle("Network and Training")
        self._create_widgets()
        self._lay_out()
        self._connect_callbacks()
        self.reset()

    def _create_widgets(self) -> None:
        ds = self.dataset
        self.hidden_edit = _tip(
            QLineEdit(), "Units per hidden layer: 8-8 (or 8,8 or 8 8) is two layers of eight."
        )
        self.hidden_edit.setPlaceholderText("none")
        self.input_label = _tip(QLabel(f"{ds.n_features} →"), "Inputs: one per data column.")
        self.output_label = _tip(QLabel(f"→ {ds.n_outputs}"), "Outputs: one per target column.")
        hidden = {k: v for k, v in ACTIVATION_LABELS.items() if not ACTIVATIONS[k].output_only}
        self.hidden_activation = _combo(hidden, "The activation function of every hidden unit.")
        self.per_layer = _tip(
            QLineEdit(), "One activation per hidden layer, e.g. tanh, relu (empty: all the same)."
        )
        self.per_layer.setPlaceholderText("same for every layer, or e.g. tanh, relu")
        self.output_activation = _combo(ACTIVATION_LABELS, "The activation of the output units.")
        self.loss = _combo(
            LOSS_LABELS, "What training minimises: how far outputs are from targets."
        )
        out, loss = suggested_output(ds)
        suits = f"{ACTIVATION_LABELS[out]} outputs with {LOSS_LABELS[loss]}"
        self.suggest_button = _tip(
            QPushButton("&Suggest"), f"Choose what suits this data: {suits}."
        )
        self.suggest_button.setAutoDefault(False)
        self.init = _combo(INIT_LABELS, "How the initial weights are drawn at random.")
        self.seed = _tip(QSpinBox(), "The same seed draws the same weights and sample order.")
        self.seed.setRange(RANDOM_SEED, MAX_SEED)
        self.seed.setSpecialValueText("random")
        self.train_biases = _tip(QCheckBox("Train &biases"), "Let training change the biases too.")
        self.optimizer = _combo(OPTIMIZER_LABELS, "How a gradient becomes a weight update.")
        self.learning_rate = _tip(
            LogSpinBox(*LEARNING_RATES),
            "The learning rate η scales each update: too small is slow, too large diverges.",
        )
        self.momentum = _tip(QDoubleSpinBox(), "How much of the last update each step keeps (μ).")
        self.momentum.setRange(0.0, 0.999)
        self.momentum.setDecimals(3)
        self.momentum.setSingleStep(0.05)
        self.batch_size = _tip(QSpinBox(), "Samples averaged per update (all: full-batch descent).")
        self.batch_size.setRange(1, ds.n_samples)
        self.batch_size.setSuffix(f" of {ds.n_samples}")
        self.shuffle = _tip(
            QCheckBox("Shu&ffle samples each epoch"),
            "Visit the samples in a new random order every epoch.",
        )
        self.update_order = _combo(UPDATE_ORDER_NAMES, UPDATE_ORDER_TIP)
        self.l1 = _tip(LogSpinBox(0.0, 10.0), "L1 regularisation: adds λ₁·Σ|w| to the loss.")
        self.l2 = _tip(LogSpinBox(0.0, 10.0), "L2 regularisation (weight decay): adds ½λ₂·Σw².")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        std = QDialogButtonBox.StandardButton
        self.buttons = QDialogButtonBox(std.Ok | std.Cancel | std.Reset)
        self.ok_button = _tip(self.buttons.button(std.Ok), "Build it and start from step 0.")
        self.ok_button.setText("Build &Network")
        self.ok_button.setDefault(True)
        self.reset_button = _tip(self.buttons.button(std.Reset), "Back to the current values.")
        self.reset_button.setAutoDefault(False)

    def _lay_out(self) -> None:
        ds = self.dataset
        about = QLabel(
            f"Data: <b>{ds.name}</b> — {_plural(ds.n_features, 'input')}, "
            f"{_plural(ds.n_outputs, 'output')}, {_plural(ds.n_samples, 'training sample')} "
            f"({ds.task}). The same layer sizes, seed and initial weights keep the "
            "current weights; any other network starts from fresh ones."
        )
        about.setWordWrap(True)

        hidden_row = _hbox(
            self.input_label, self.hidden_edit, self.output_label, stretch=self.hidden_edit
        )
        loss_row = _hbox(self.loss, self.suggest_button, stretch=self.loss)

        network = QGroupBox("Network")
        form = QFormLayout(network)
        self._add_row(form, "&Hidden layers:", self.hidden_edit, hidden_row)
        self._add_row(form, "Hidden a&ctivation:", self.hidden_activation)
        self._add_row(form, "Per la&yer:", self.per_layer)
        self._add_row(form, "&Output activation:", self.output_activation)
        self._add_row(form, "&Loss:", self.loss, loss_row)
        self._add_row(form, "&Initial weights:", self.init)
        self._add_row(form, "S&eed:", self.seed)
        form.addRow(self.train_biases)

        training = QGroupBox("Training")
        form = QFormLayout(training)
        self._add_row(form, "O&ptimizer:", self.optimizer)
        self._add_row(form, "Learnin&g rate η:", self.learning_rate)
        self._add_row(form, "&Momentum μ:", self.momentum)
        self._add_row(form, "Batch si&ze:", self.batch_size)
        form.addRow(self.shuffle)
        self._add_row(form, "&Update order:", self.update_order)
        self._add_row(form, "L&1 strength λ₁:", self.l1)
        self._add_row(form, "L&2 strength λ₂:", self.l2)

        groups = QHBoxLayout()
        groups.addWidget(network, 1)
        groups.addWidget(training, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(groups)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        order: list[QWidget] = [self.hidden_edit, self.hidden_activation, self.per_layer]
        order += [self.output_activation]
        order += [self.loss, self.suggest_button, self.init, self.seed, self.train_biases]
        order += [self.optimizer, self.learning_rate, self.momentum, self.batch_size]
        order += [self.shuffle, self.update_order, self.l1, self.l2, self.buttons]
        for first, second in itertools.pairwise(order):
            self.setTabOrder(first, second)
        self.hidden_edit.setFocus()

    @staticmethod
    def _add_row(
        form: QFormLayout, text: str, widget: QWidget, field: QHBoxLayout | None = None
    ) -> None:
        label = _tip(QLabel(text), widget.toolTip())
        label.setBuddy(widget)
        form.addRow(label, field or widget)

    def _connect_callbacks(self) -> None:
        self.hidden_edit.textChanged.connect(self._on_changed)
        self.per_layer.textChanged.connect(self._on_changed)
        for combo in (self.hidden_activation, self.output_activation, self.init, self.optimizer):
            combo.currentIndexChanged.connect(self._on_changed)
        self.update_order.currentIndexChanged.connect(self._on_changed)
        self.loss.currentIndexChanged.connect(self._on_loss_changed)
        for spin in (
            self.seed,
            self.batch_size,
            self.learning_rate,
            self.momentum,
            self.l1,
            self.l2,
        ):
            spin.valueChanged.connect(self._on_changed)
        for check in (self.train_biases, self.shuffle):
            check.toggled.connect(self._on_changed)
        self.suggest_button.clicked.connect(self._on_suggest)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reset_button.clicked.connect(self.reset)

    # -- reading and writing the fields ------------------------------------------

    def reset(self) -> None:
        """Show the current network's values again."""
        self._load(self.current)

    def _load(self, setup: NetworkSetup) -> None:
        self._loading = True
        try:
            self.hidden_edit.setText(format_hidden(setup.hidden))
            _select(self.hidden_activation, setup.hidden_activation)
            self.per_layer.setText(", ".join(setup.hidden_activations))
            _select(self.output_activation, setup.output_activation)
            _select(self.loss, setup.loss)
            _select(self.init, setup.init)
            self.seed.setValue(RANDOM_SEED if setup.seed is None else setup.seed)
            self.train_biases.setChecked(setup.train_biases)
            _select(self.optimizer, setup.optimizer)
            self.learning_rate.setValue(setup.lr)
            self.momentum.setValue(setup.momentum)
            self.batch_size.setValue(setup.batch_size)
            self.shuffle.setChecked(setup.shuffle)
            _select(self.update_order, setup.update_order)
            self.l1.setValue(setup.l1)
            self.l2.setValue(setup.l2)
        finally:
            self._loading = False
        self._on_changed()

    def setup(self) -> NetworkSetup:
        """The set-up the fields describe; raises ValueError while the hidden
        layers or per-layer activations cannot be read (OK is disabled then)."""
        hidden = parse_hidden(self.hidden_edit.text())
        try:
            acts = parse_activations(self.per_layer.text())
        except ValueError as exc:
            raise ValueError(f"per-layer activations: {exc}") from None
        return self._setup_with(hidden, acts)

    def _setup_with(self, hidden: tuple[int, ...], acts: tuple[str, ...] = ()) -> NetworkSetup:
        seed = self.seed.value()
        return NetworkSetup(
            hidden=hidden,
            hidden_activation=str(self.hidden_activation.currentData()),
            hidden_activations=acts,
            output_activation=str(self.output_activation.currentData()),
            loss=str(self.loss.currentData()),
            init=str(self.init.currentData()),
            seed=None if seed == RANDOM_SEED else seed,
            optimizer=str(self.optimizer.currentData()),
            lr=self.learning_rate.value(),
            momentum=self.momentum.value(),
            batch_size=self.batch_size.value(),
            shuffle=self.shuffle.isChecked(),
            train_biases=self.train_biases.isChecked(),
            l1=self.l1.value(),
            l2=self.l2.value(),
            update_order=str(self.update_order.currentData()),
        )

    def problems(self) -> list[str]:
        """What keeps OK disabled, one sentence each (empty when OK is enabled)."""
        try:
            return [_sentence(p) for p in validate(self.setup(), self.dataset)]
        except ValueError as exc:  # a field does not parse; check the rest
            rest = validate(self._setup_with(()), self.dataset)
            where = "" if str(exc).startswith("per-layer") else "hidden layers: "
            return [_sentence(p) for p in [f"{where}{exc}", *rest]]

    def keeps_weights(self) -> bool:
        """True when OK keeps the current weights (same layer sizes, seed, init)."""
        try:
            return same_weights(self.current, self.setup())
        except ValueError:
            return False

    # -- reacting ---------------------------------------------------------------------

    def _on_changed(self) -> None:
        if self._loading:
            return
        problems = self.problems()
        self.ok_button.setEnabled(not problems)
        self.momentum.setEnabled(self.optimizer.currentData() == "momentum")
        has_hidden = bool(self.hidden_edit.text().strip("[]() "))
        self.per_layer.setEnabled(has_hidden)
        self.hidden_activation.setEnabled(has_hidden and not self.per_layer.text().strip())
        if problems:
            items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
            self.message.setText(
                f'<div style="color:{PROBLEM_COLOR}"><b>Cannot build this network:</b>'
                f'<ul style="margin:0">{items}</ul></div>'
            )
        elif self.order_only():
            self.message.setText("Only the update order changes: the shown step is redone.")
        else:
            sizes = self.setup().sizes(self.dataset)
            shape = " → ".join(map(str, sizes))
            count = n_parameters(sizes)
            kept = "keeps the current weights" if self.keeps_weights() else "fresh weights"
            self.message.setText(f"Ready: {shape} units, {count:,} weights and biases ({kept}).")
        self.ok_button.setText("&Apply" if self.order_only() else "Build &Network")

    def order_only(self) -> bool:
        """Whether only the update order differs from the current set-up."""
        return not self.problems() and order_change(self.current, self.setup()) is not None

    def _on_loss_changed(self) -> None:
        """Offer the output layer a newly chosen loss needs (or suits the data)."""
        if not self._loading:
            loss = str(self.loss.currentData())
            out, suggested_loss = suggested_output(self.dataset)
            needed = REQUIRED_OUTPUT.get(loss)
            if needed is not None:
                _select(self.output_activation, needed)
            elif loss == suggested_loss:
                _select(self.output_activation, out)
        self._on_changed()

    def _on_suggest(self) -> None:
        out, loss = suggested_output(self.dataset)
        _select(self.output_activation, out)
        _select(self.loss, loss)


def edit_network(parent: QWidget | None, session: Session) -> Session | OrderChange | None:
    """Let the user change the session's network; the rebuilt session on OK
    (only the update order when nothing else changed), ``None`` on Cancel."""
    dialog = NetworkDialog(session.dataset, setup_of(session), parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return order_change(dialog.current, dialog.setup()) or rebuild(session, dialog.setup())
    finally:
        dialog.deleteLater()
