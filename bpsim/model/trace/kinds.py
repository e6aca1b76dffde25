"""The kinds of frames of a trace and the phases of a step they belong to."""

from __future__ import annotations

from enum import StrEnum


class Phase(StrEnum):
    FORWARD = "forward"
    LOSS = "loss"
    BACKWARD = "backward"
    UPDATE = "update"


class FrameKind(StrEnum):
    INPUT = "input"
    NET = "net"  # a unit's weighted sum
    OUT = "out"  # a unit's activation
    LOSS_TERM = "loss_term"  # one output's share of the loss
    LOSS = "loss"
    OUTPUT_DELTA = "output_delta"
    DELTA = "delta"  # a hidden unit's delta
    WEIGHT_CONTRIBUTION = "weight_contribution"  # one sample's share (mini-batch)
    BIAS_CONTRIBUTION = "bias_contribution"
    WEIGHT_GRADIENT = "weight_gradient"
    BIAS_GRADIENT = "bias_gradient"
    WEIGHT_UPDATE = "weight_update"
    BIAS_UPDATE = "bias_update"


PHASE_OF = {
    FrameKind.INPUT: Phase.FORWARD,
    FrameKind.NET: Phase.FORWARD,
    FrameKind.OUT: Phase.FORWARD,
    FrameKind.LOSS_TERM: Phase.LOSS,
    FrameKind.LOSS: Phase.LOSS,
    FrameKind.OUTPUT_DELTA: Phase.BACKWARD,
    FrameKind.DELTA: Phase.BACKWARD,
    FrameKind.WEIGHT_CONTRIBUTION: Phase.BACKWARD,
    FrameKind.BIAS_CONTRIBUTION: Phase.BACKWARD,
    FrameKind.WEIGHT_GRADIENT: Phase.BACKWARD,
    FrameKind.BIAS_GRADIENT: Phase.BACKWARD,
    FrameKind.WEIGHT_UPDATE: Phase.UPDATE,
    FrameKind.BIAS_UPDATE: Phase.UPDATE,
}
