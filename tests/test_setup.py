"""Network set-ups: read from a session, validated in plain words, rebuilt."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from bpsim.model.data.dataset import Dataset
from bpsim.model.data.datasets import make_dataset
from bpsim.model.engine.optimizers import Adam, Momentum
from bpsim.model.sessions.session import new_session, session_for_dataset, suggested_output
from bpsim.model.sessions.setup import (
    MAX_PARAMETERS,
    NetworkSetup,
    format_hidden,
    frames_per_step,
    keeps_weights,
    n_parameters,
    parse_activations,
    parse_hidden,
    rebuild,
    setup_of,
    validate,
)

PRESETS = ["mazur", "xor", "iris", "sine"]


@pytest.mark.parametrize("name", PRESETS)
def test_setup_of_a_preset_rebuilds_the_same_network_on_the_same_data(name: str) -> None:
    session = new_session(name)
    setup = setup_of(session)
    assert validate(setup, session.dataset) == []
    again = rebuild(session, setup)
    net, new = session.net, again.net
    assert new.sizes == net.sizes
    assert new.activation_names == net.activation_names
    assert new.loss_name == net.loss_name
    assert (new.init_name, new.seed, new.train_biases) == (
        net.init_name,
        net.seed,
        net.train_biases,
    )
    assert (new.l1, new.l2) == (net.l1, net.l2)
    assert again.dataset is session.dataset and again.test is session.test
    np.testing.assert_array_equal(again.trainer.X, session.trainer.X)
    np.testing.assert_array_equal(again.trainer.Y, session.trainer.Y)
    opt, new_opt = session.trainer.optimizer, again.trainer.optimizer
    assert (new_opt.name, new_opt.settings()) == (opt.name, opt.settings())
    assert again.trainer.batch_size == session.trainer.batch_size
    assert again.trainer.shuffle == session.trainer.shuffle
    assert again.trainer.step == 0
    assert setup_of(again) == setup


def test_setup_of_reads_the_presets_choices() -> None:
    assert setup_of(new_session("mazur")) == NetworkSetup(
        hidden=(2,),
        hidden_activation="sigmoid",
        output_activation="sigmoid",
        loss="mse",
        init="xavier",
        seed=0,
        optimizer="sgd",
        lr=0.5,
        batch_size=1,
        shuffle=False,  # one sample: nothing to shuffle
        train_biases=False,
    )
    iris = setup_of(new_session("iris"))
    assert (iris.hidden, iris.hidden_activation, iris.output_activation) == (
        (5,),
        "tanh",
        "softmax",
    )
    assert iris.loss == "cross_entropy"


def test_setup_of_reads_the_current_learning_rate_and_momentum() -> None:
    session = new_session("xor")
    session.trainer.optimizer.lr = 0.25
    assert setup_of(session).lr == 0.25
    momentum = rebuild(session, dataclasses.replace(setup_of(session), optimizer="momentum"))
    assert isinstance(momentum.trainer.optimizer, Momentum)
    momentum.trainer.optimizer.momentum = 0.5
    assert setup_of(momentum).momentum == 0.5


def test_a_network_without_hidden_layers() -> None:
    session = new_session("xor")
    flat = rebuild(session, dataclasses.replace(setup_of(session), hidden=()))
    assert flat.net.sizes == (2, 1)
    assert flat.net.activation_names == ("sigmoid",)
    assert setup_of(flat).hidden == ()


def test_rebuild_drops_the_preset_and_the_saved_frame_but_keeps_other_settings() -> None:
    session = new_session("xor")
    session.settings.update({"frame": 7, "granularity": "layer"})
    again = rebuild(session, setup_of(session))
    assert "preset" not in again.settings and "frame" not in again.settings
    assert again.settings["source"] == "xor preset"
    assert again.settings["granularity"] == "layer"
    assert session.settings["preset"] == "xor"  # the old session is left alone
    csv = session_for_dataset(make_dataset("moons", seed=1))
    assert rebuild(csv, setup_of(csv)).settings["source"] == csv.settings["source"]


def test_rebuild_draws_new_weights_from_the_seed() -> None:
    session = new_session("mazur")  # hand-picked weights
    setup = dataclasses.replace(setup_of(session), seed=3)  # a new seed: fresh weights
    a, b = rebuild(session, setup), rebuild(session, setup)
    np.testing.assert_array_equal(a.net.params, b.net.params)
    assert a.net.weights[0][0, 0] != 0.15
    other = rebuild(session, dataclasses.replace(setup, seed=5))
    assert not np.array_equal(other.net.params, a.net.params)
    wider = rebuild(session, dataclasses.replace(setup_of(session), hidden=(3,)))
    assert wider.net.sizes[1] == 3  # other layer sizes: fresh weights too


def test_a_change_that_keeps_the_layer_sizes_keeps_the_weights() -> None:
    session = new_session("mazur")
    session.trainer.train_step()  # trained weights, not the preset's
    before = session.net.params.copy()
    setup = dataclasses.replace(setup_of(session), lr=0.1, hidden_activation="tanh", loss="mse")
    again = rebuild(session, setup)
    np.testing.assert_array_equal(again.net.params, before)
    assert again.net.params is not session.net.params  # a copy: the old session is left alone
    assert again.net.activation_names == ("tanh", "sigmoid")
    assert again.trainer.optimizer.lr == 0.1
    assert keeps_weights(session, setup)
    assert not keeps_weights(session, dataclasses.replace(setup, init="he"))


def test_one_activation_per_hidden_layer() -> None:
    session = new_session("xor")
    setup = dataclasses.replace(
        setup_of(session), hidden=(4, 3), hidden_activations=("relu", "tanh")
    )
    assert validate(setup, session.dataset) == []
    net = rebuild(session, setup).net
    assert net.activation_names[:2] == ("relu", "tanh")
    again = setup_of(rebuild(session, setup))
    assert again.hidden_activations == ("relu", "tanh")  # read back from the network
    assert setup_of(session).hidden_activations == ()  # all alike: none listed
    short = dataclasses.replace(setup, hidden=(4, 3, 2))
    assert validate(short, session.dataset) == [
        "give one hidden activation per hidden layer: 3 layers, 2 activations"
    ]
    soft = dataclasses.replace(setup, hidden_activations=("relu", "softmax"))
    assert validate(soft, session.dataset) == ["softmax is allowed on the output layer only"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("", ()),
        ("tanh, relu", ("tanh", "relu")),
        ("ReLU;sigmoid", ("relu", "sigmoid")),
        ("tanh relu", ("tanh", "relu")),
        ("leaky ReLU, leaky_relu", ("leaky_relu", "leaky_relu")),
    ],
)
def test_parse_activations(text: str, names: tuple[str, ...]) -> None:
    assert parse_activations(text) == names


def test_parse_activations_names_the_unknown_one() -> None:
    with pytest.raises(ValueError, match=r"'swish' is not an activation; write e\.g\. tanh, relu"):
        parse_activations("tanh, swish")


def test_rebuild_keeps_adams_other_settings_when_adam_stays() -> None:
    session = new_session("spiral")
    opt = session.trainer.optimizer
    assert isinstance(opt, Adam)
    opt.beta1 = 0.8
    again = rebuild(session, dataclasses.replace(setup_of(session), lr=0.005))
    new = again.trainer.optimizer
    assert isinstance(new, Adam) and new.beta1 == 0.8 and new.lr == 0.005
    assert new.m is None  # a fresh optimizer: no moments yet


def test_rebuild_with_another_architecture_trains() -> None:
    session = new_session("xor")
    setup = dataclasses.replace(
        setup_of(session), hidden=(4,), hidden_activation="tanh", lr=0.5, optimizer="sgd"
    )
    again = rebuild(session, setup)
    assert again.net.sizes == (2, 4, 1)
    assert again.net.activation_names == ("tanh", "sigmoid")
    start = again.trainer.evaluate().loss
    again.trainer.train(300)
    assert again.trainer.evaluate().loss < 0.5 * start


def test_rebuild_refuses_an_invalid_setup() -> None:
    session = new_session("xor")
    bad = dataclasses.replace(setup_of(session), loss="cross_entropy")
    with pytest.raises(ValueError, match="cross-entropy needs a softmax output layer"):
        rebuild(session, bad)


# -- validation ---------------------------------------------------------------------


def problems_of(**changes: object) -> list[str]:
    session = new_session("xor")
    setup = dataclasses.replace(setup_of(session), **changes)  # type: ignore[arg-type]
    return validate(setup, session.dataset)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"loss": "cross_entropy"}, "cross-entropy needs a softmax output layer"),
        ({"loss": "bce", "output_activation": "tanh"}, "binary cross-entropy needs a sigmoid"),
        (
            {"output_activation": "softmax"},
            "softmax needs at least two outputs: this data set has one",
        ),
        ({"batch_size": 0}, "batch size must be between 1 and 4"),
        ({"batch_size": 5}, "batch size must be between 1 and 4"),
        ({"hidden": (4, 0)}, "a hidden layer needs at least one unit"),
        ({"hidden": (400, 500)}, "weights and biases; bpsim draws at most 200,000"),
        ({"hidden": (1,) * 11}, "at most 10 hidden layers"),
        ({"hidden_activation": "softmax"}, "softmax is allowed on the output layer only"),
        ({"lr": 0.0}, "the learning rate must be a number greater than 0"),
        ({"lr": float("nan")}, "the learning rate must be a number greater than 0"),
        ({"optimizer": "momentum", "momentum": 1.0}, "momentum must be at least 0 and less than 1"),
        ({"l1": -0.1}, "the L1 strength must be 0 or more"),
        ({"l2": -1.0}, "the L2 strength must be 0 or more"),
        ({"seed": -1}, "the seed must be 0 or more"),
        ({"hidden_activation": "swish"}, "unknown activation 'swish'"),
        ({"loss": "hinge"}, "unknown loss 'hinge'"),
        ({"init": "zeros"}, "unknown initialisation 'zeros'"),
        ({"optimizer": "rmsprop"}, "unknown optimizer 'rmsprop'"),
    ],
)
def test_validate_names_each_problem(changes: dict[str, object], message: str) -> None:
    problems = problems_of(**changes)
    assert any(message in p for p in problems), problems


def test_validate_accepts_a_sound_setup_and_lists_every_problem() -> None:
    assert problems_of(hidden=(4, 4), hidden_activation="relu", loss="bce") == []
    assert problems_of(momentum=1.5) == []  # momentum counts for the momentum optimizer only
    both = problems_of(loss="cross_entropy", output_activation="softmax", batch_size=9)
    assert len(both) == 2


def test_problems_are_single_short_sentences() -> None:
    problems = problems_of(loss="cross_entropy", hidden=(0,), batch_size=0, lr=-1.0, l2=-1.0)
    assert len(problems) == 5
    for p in problems:
        assert p == p.strip() and "\n" not in p and not p.endswith(".") and len(p) < 100


def test_the_parameter_limit_counts_input_and_output_layers() -> None:
    iris = new_session("iris").dataset
    assert n_parameters((4, 5, 3)) == 4 * 5 + 5 + 5 * 3 + 3
    width = 1
    while n_parameters((4, width, width, 3)) <= MAX_PARAMETERS:
        width += 1

    def problems(w: int) -> list[str]:
        setup = NetworkSetup(
            hidden=(w,) * 2, output_activation="softmax", loss="cross_entropy", batch_size=16
        )
        return validate(setup, iris)

    # just under the limit the network passes, however many frames its step has
    assert problems(width - 1) == []
    (only,) = problems(width)
    assert "weights and biases" in only


def test_cross_entropy_losses_need_targets_between_0_and_1() -> None:
    sine = new_session("sine")
    setup = dataclasses.replace(setup_of(sine), output_activation="sigmoid", loss="bce")
    [problem] = validate(setup, sine.dataset)
    assert problem.startswith("binary cross-entropy needs targets between 0 and 1")


def test_suggested_output_fits_the_task() -> None:
    xor = make_dataset("xor")
    assert suggested_output(xor) == ("sigmoid", "bce")
    assert suggested_output(xor.one_hot()) == ("softmax", "cross_entropy")
    assert suggested_output(make_dataset("sine")) == ("linear", "mse")
    for data in (xor, xor.one_hot(), make_dataset("iris"), make_dataset("sine")):
        out, loss = suggested_output(data)
        setup = NetworkSetup(output_activation=out, loss=loss, batch_size=1)
        assert validate(setup, data) == [], data.name


# -- parsing the hidden layers ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("8", (8,)),
        ("8-8", (8, 8)),
        ("8, 8", (8, 8)),
        ("8,8,3", (8, 8, 3)),
        (" 4 - 2 ", (4, 2)),
        ("4 4", (4, 4)),
        ("[8-8]", (8, 8)),
        ("", ()),
        ("   ", ()),
        ("0", (0,)),  # parses; validate says a layer needs a unit
    ],
)
def test_parse_hidden(text: str, hidden: tuple[int, ...]) -> None:
    assert parse_hidden(text) == hidden


@pytest.mark.parametrize("text", ["8-", "-8", "8--8", "8,,8", "a", "8-b", "2.5", "1e3", "８"])
def test_parse_hidden_rejects_what_is_not_a_list_of_sizes(text: str) -> None:
    with pytest.raises(ValueError, match=r"8-8"):
        parse_hidden(text)


def test_format_hidden_reads_back() -> None:
    for hidden in [(), (3,), (8, 8, 2)]:
        assert parse_hidden(format_hidden(hidden)) == hidden


def test_setup_sizes_come_from_the_data() -> None:
    data = Dataset("d", np.zeros((3, 5)), np.zeros((3, 2)), "regression")
    setup = NetworkSetup(hidden=(7, 6), hidden_activation="relu", output_activation="linear")
    assert setup.sizes(data) == (5, 7, 6, 2)
    assert setup.activations == ("relu", "relu", "linear")


@pytest.mark.parametrize("name", ["mazur", "xor", "iris", "spiral", "circle", "sine"])
def test_frames_per_step_counts_the_trace(name: str) -> None:
    from bpsim.model.sessions.setup import frames_per_step
    from bpsim.viewmodel.timeline import Timeline

    session = new_session(name)
    setup = setup_of(session)
    batch = min(setup.batch_size, session.dataset.n_samples)
    expected = len(Timeline(session).trace)
    assert frames_per_step(setup.sizes(session.dataset), batch, setup.train_biases, setup.loss) == (
        expected
    )


def test_long_steps_are_allowed_frames_are_built_on_demand() -> None:
    session = new_session("iris")
    setup = dataclasses.replace(setup_of(session), hidden=(60, 60), batch_size=16)
    assert frames_per_step(setup.sizes(session.dataset), 16, True, setup.loss) > 20_000
    assert validate(setup, session.dataset) == []
