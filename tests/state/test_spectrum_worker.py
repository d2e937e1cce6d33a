"""The worker process the GUI computes Hessian spectra in: the same answer as here, request after request."""

import subprocess
import sys

import numpy as np

from gradviz.presets import load_preset
from gradviz.state import Session
from gradviz.state.sharpness import spectrum_of
from gradviz.state.spectrum_worker import read_message, write_message


def test_the_worker_process_answers_as_this_process_computes():
    d = load_preset("mlp-moons")
    s = Session(d.dataset, d.settings)
    s.step(5)
    jobs = [s.run.sharpness.job(s.trainer, k) for k in (0, 5)]
    worker = subprocess.Popen(
        [sys.executable, "-m", "gradviz.state.spectrum_worker"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        for job in jobs:  # two requests, in order, through one process
            write_message(worker.stdin, job.inputs())
            spectrum, seconds = read_message(worker.stdout)
            here = spectrum_of(*job.inputs())
            np.testing.assert_array_equal(spectrum.values, here.values)
            assert spectrum.complete and seconds >= 0
    finally:
        worker.stdin.close()
        assert worker.wait(timeout=10) == 0  # its input closed: it ends
        worker.stdout.close()


def test_a_window_that_closes_while_an_answer_is_on_its_way_leaves_no_traceback():
    d = load_preset("mlp-moons")
    s = Session(d.dataset, d.settings)
    job = s.run.sharpness.job(s.trainer, 0)
    worker = subprocess.Popen(
        [sys.executable, "-m", "gradviz.state.spectrum_worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    write_message(worker.stdin, job.inputs())
    worker.stdout.close()  # the reader is gone before the answer comes
    worker.stdin.close()
    assert worker.wait(timeout=30) == 0
    assert worker.stderr.read() == b""  # quietly: nothing a user who launched from a terminal would see
    worker.stderr.close()
