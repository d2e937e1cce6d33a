"""gradviz.core: the pure-NumPy compute layer (no Qt), importable in a notebook.

from gradviz import core
model = core.make_model("softmax", n_features=2, n_outputs=3)
params = model.init(seed=0)
value, grads = model.loss_and_grad(params, X, Y, core.make_loss("ce"))
"""

from . import rules
from ._files import os_reason
from .activations import (
    ACTIVATIONS,
    get_activation,
    log_sigmoid,
    log_softmax,
    logsumexp,
    relu,
    sigmoid,
    softmax,
    softmax_jacobian,
    softmax_jacobians,
    softplus,
    tanh,
)
from .closed_form import normal_equation
from .contours import class_boundaries, contour_segments
from .csv_io import DataFileError, load_csv, parse_csv, save_csv
from .curvature import Spectrum, StepBound, hessian, hessian_vector_product, max_stable_lr, top_eigen
from .datasets import GENERATORS, Dataset, TrainingData, generate
from .fields import FIELDS, Field
from .functions import FUNCTIONS, FunctionError, TestFunction, make_function
from .gradcheck import GradCheckResult, gradcheck, numerical_gradient
from .grid_io import save_surface
from .history import History, HistoryStore
from .history_csv import HISTORY_COLUMNS, history_csv, save_history_csv
from .landscape import (
    SLICE_MODES,
    Projection,
    Slice,
    axis_direction,
    default_slice_labels,
    gradient_field,
    loss_surface,
    make_slice,
    pca_directions,
    project_trajectory,
    random_directions,
)
from .limits import LIMITS, MAX_CLASSES, MAX_SAMPLES, MAX_STEPS, Limit
from .losses import LOSSES, IncompatibleLossError, Loss, make_loss
from .models import (
    HIDDEN_ACTIVATIONS,
    MLP,
    MODEL_KINDS,
    OUTPUTS,
    Forward,
    LinearModel,
    Workspace,
    accuracy,
    accuracy_from_predictions,
    make_model,
)
from .optimizers import (
    HYPERPARAMETER_HELP,
    OPTIMIZER_RULES,
    OPTIMIZER_TITLES,
    OPTIMIZERS,
    Optimizer,
    default_hyperparams,
    make_optimizer,
)
from .params import ParamSpec, copy_params
from .quadratic import Quadratic, predicted_errors, quadratic_of
from .run_record import RegimeRecord, RunRecord, RunReplay, record_run
from .session_file import (
    SESSION_SUFFIX,
    ComparedRun,
    SessionData,
    SessionFileError,
    load_session,
    save_session,
    session_path,
)
from .settings import Settings, default_loss_for, output_of
from .step_parts import StepPart, StepParts, step_parts
from .trace import backprop_trace, output_jacobian
from .trainer import SNAPSHOT_BYTES, Trainer

__all__ = [
    "ACTIVATIONS",
    "get_activation",
    "log_sigmoid",
    "log_softmax",
    "logsumexp",
    "relu",
    "sigmoid",
    "softmax",
    "softmax_jacobian",
    "softmax_jacobians",
    "softplus",
    "tanh",
    "normal_equation",
    "DataFileError",
    "load_csv",
    "parse_csv",
    "save_csv",
    "GENERATORS",
    "MAX_CLASSES",
    "MAX_SAMPLES",
    "MAX_STEPS",
    "LIMITS",
    "Limit",
    "FIELDS",
    "Field",
    "rules",
    "HistoryStore",
    "backprop_trace",
    "StepPart",
    "StepParts",
    "step_parts",
    "output_jacobian",
    "OPTIMIZER_RULES",
    "OPTIMIZER_TITLES",
    "Dataset",
    "TrainingData",
    "generate",
    "GradCheckResult",
    "gradcheck",
    "hessian",
    "hessian_vector_product",
    "top_eigen",
    "Spectrum",
    "StepBound",
    "max_stable_lr",
    "FUNCTIONS",
    "FunctionError",
    "TestFunction",
    "make_function",
    "Quadratic",
    "quadratic_of",
    "predicted_errors",
    "numerical_gradient",
    "Projection",
    "Slice",
    "SLICE_MODES",
    "make_slice",
    "default_slice_labels",
    "axis_direction",
    "gradient_field",
    "loss_surface",
    "pca_directions",
    "project_trajectory",
    "random_directions",
    "LOSSES",
    "IncompatibleLossError",
    "Loss",
    "make_loss",
    "HIDDEN_ACTIVATIONS",
    "MLP",
    "MODEL_KINDS",
    "OUTPUTS",
    "Forward",
    "LinearModel",
    "make_model",
    "accuracy",
    "accuracy_from_predictions",
    "HYPERPARAMETER_HELP",
    "OPTIMIZERS",
    "Optimizer",
    "default_hyperparams",
    "make_optimizer",
    "ParamSpec",
    "copy_params",
    "SessionData",
    "ComparedRun",
    "SNAPSHOT_BYTES",
    "SessionFileError",
    "load_session",
    "save_session",
    "os_reason",
    "RegimeRecord",
    "RunRecord",
    "RunReplay",
    "record_run",
    "contour_segments",
    "HISTORY_COLUMNS",
    "history_csv",
    "save_history_csv",
    "save_surface",
    "Workspace",
    "class_boundaries",
    "session_path",
    "SESSION_SUFFIX",
    "Settings",
    "default_loss_for",
    "output_of",
    "History",
    "Trainer",
]
