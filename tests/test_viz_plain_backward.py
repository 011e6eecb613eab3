"""After a plain ``backward()`` (no retain_grad, no viz.backward), drawings show every gradient."""

import tinygrad_edu as tg
from tinygrad_edu import viz


def test_to_dot_after_a_plain_backward_shows_the_intermediate_gradient():
    a = tg.tensor(1.5, requires_grad=True, name="a")
    b = a * a
    c = b * b
    assert "\\ngrad" not in viz.to_dot(c)  # nothing known before backward
    c.backward()
    dot = viz.to_dot(c)
    assert 'label="b = 2.25\\ngrad 4.5"' in dot  # dc/db = 2b = 4.5, without retain_grad
    assert 'grad 13.5' in dot  # dc/da = 4 a^3
    assert b.grad_fn.received == 4.5 and b.retains_grad is False
    assert "grad 4.5" in viz.to_text(c)


def test_create_graph_backward_keeps_no_gradient_on_nodes():
    a = tg.tensor(1.5, requires_grad=True)
    b = a * a
    (b * b).backward(create_graph=True)  # no cycle node -> gradient Value -> node
    assert b.grad_fn.received is None
