"""Look inside recurrent layers: gate and state traces, gradients through time, and their plots."""

from .attribution import gradient_times_input
from .gradients import GradientTrace, gradient_through_time
from .plots import plot_gradient_norms, plot_trace
from .trace import LayerTrace, trace

__all__ = ["GradientTrace", "LayerTrace", "gradient_through_time", "gradient_times_input", "plot_gradient_norms", "plot_trace", "trace"]
