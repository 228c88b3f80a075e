"""The work is found where the student wrote it, and each error is charged once.

A value wrong under its question's heading and right in the next cell of
the same exercise answers the question; a batched backpropagation whose
default cost derivative is exercise 3's one-vector ``mse_der`` (which cannot
run on a batch) is judged on its own code with a batched derivative.
"""

import test_checks_week42 as w42

ONE_LAYER = """
x = np.random.rand(2)
target = np.random.rand(3)
W = np.random.randn(3, 2)
b = np.random.randn(3)
z = W @ x + b
"""


def test_a_value_wrong_under_its_heading_and_right_in_the_next_cell_answers_it():
    wrong_d = "dC_da = mse_der(sigmoid(z), target)\ndC_dz = sigmoid_der(z)\n"
    right_f = ("dC_da = mse_der(sigmoid(z), target)\ndC_dz = dC_da * sigmoid_der(z)\n"
               "dC_dW = np.outer(dC_dz, x)\ndC_db = dC_dz\n")
    cells = [("w42-2b", ONE_LAYER), ("w42-3b", w42.EXERCISE_3), ("w42-3d", wrong_d), ("w42-3f", right_f)]
    assert w42.check("w42-3d", *cells) == ("pass", "")
    assert w42.check("w42-3f", *cells) == ("pass", "")
    status, reason = w42.check("w42-3d", *cells[:3])  # never put right: still wrong
    assert status == "fail" and "dC_dz is not mse_der(sigmoid(z), target) * sigmoid_der(z)" in reason


def test_a_batched_backpropagation_with_3bs_one_vector_default_is_judged_on_its_own_code():
    one_vector = w42.EXERCISE_3.replace("2 * (predict - target) / len(predict)",
                                        "-2 / len(predict) * (target - predict).T")
    batched = (w42.BATCH_6.replace("NAME", "backpropagation_batch")
               .replace("cost_der=mse_der_batch", "cost_der=mse_der"))
    cells = [("w42-3b", one_vector), ("w42-5", w42.GIVEN_5), ("w42-5a", w42.BACKPROP_5),
             ("w42-6", batched)]
    assert w42.check("w42-6", *cells) == ("pass", "")
    wrong = batched.replace("np.sum(dC_dz, axis=0)", "np.sum(dC_dz, axis=0) * 2")
    assert w42.check("w42-6", *cells[:3], ("w42-6", wrong))[0] == "fail"


def test_functions_of_several_questions_in_one_cell_answer_each_of_them():
    # the cell answers 3b and 3c but sits under 3e's heading (the last letter it mentions)
    cells = [("w42-3e", w42.EXERCISE_3)]
    assert w42.check("w42-3b", *cells) == ("pass", "")
    assert w42.check("w42-3c", *cells) == ("pass", "")


def test_a_network_filed_under_another_heading_is_the_students_and_is_judged():
    import test_checks_week41 as w41

    wrong = "layers = create_layers(8, [10, 16, 16, 2])\nout = feed_forward_all_relu(layers, np.ones(8))\n"
    cells = [("w41-3a", w41.CREATE), ("w41-3b", w41.ALL_RELU + wrong)]  # 3c's heading not recognised
    status, reason = w41.check("w41-3c", *cells)
    assert status == "fail", reason
    assert reason.startswith("your network `layers` (cell 2) has layers [10, 16, 16, 2] for 8 inputs, "
                             "the exercise asks for [10, 16, 6, 2]"), reason
    right = wrong.replace("[10, 16, 16, 2]", "[10, 16, 6, 2]")
    assert w41.check("w41-3c", ("w41-3a", w41.CREATE), ("w41-3b", w41.ALL_RELU + right)) == ("pass", "")


def test_a_batched_network_filed_under_an_earlier_heading_is_judged_for_5c():
    import test_checks_week41 as w41

    wrong = w41.NETWORK_5C.replace("[12, 10, 3]", "[12, 12, 3]")
    cells = [("w41-5a", w41.CREATE_BATCH), ("w41-5b", w41.FORWARD_BATCH + wrong)]
    status, reason = w41.check("w41-5c", *cells)
    assert status == "fail" and "[12, 12, 3]" in reason, reason


FORWARD = ("def feed_forward(input, layers, activation_funcs):\n    a = input\n"
           "    for (W, b), f in zip(layers, activation_funcs):\n        a = f(W @ a + b)\n    return a\n")


def test_4b_judges_the_activations_the_students_network_uses_by_what_they_do():
    import test_checks_week41 as w41

    cells = [("w41-3a", w41.CREATE), ("w41-4a", FORWARD)]
    network = "layers = create_layers(6, [4, 7, 2])\nout = feed_forward(np.ones(6), layers, ACTS)\n"
    own_names = "def act1(z):\n    return np.maximum(z, 0)\n\n" + network.replace("ACTS", "[act1, act1, sigmoid]")
    assert w41.check("w41-4b", *cells, ("w41-4b", own_names)) == ("pass", "")
    other_order = network.replace("ACTS", "[ReLU, sigmoid, ReLU]")  # the 2024 text's order
    assert w41.check("w41-4b", *cells, ("w41-4b", other_order)) == ("pass", "")
    status, reason = w41.check("w41-4b", *cells, ("w41-4b", network.replace("ACTS", "[ReLU, ReLU, ReLU]")))
    assert status == "fail", reason
    assert reason == ("your network in cell 3 uses the activations [ReLU, ReLU, ReLU], that is ReLU, ReLU, "
                      "ReLU; the exercise asks for ReLU, ReLU, sigmoid")


def test_a_later_cell_trying_other_activations_does_not_undo_4b():
    import test_checks_week41 as w41

    cells = [("w41-3a", w41.CREATE), ("w41-4a", FORWARD)]
    network = "layers = create_layers(6, [4, 7, 2])\nout = feed_forward(np.ones(6), layers, ACTS)\n"
    both = [("w41-4b", network.replace("ACTS", "[ReLU, ReLU, sigmoid]")),
            ("w41-4b", network.replace("ACTS", "[sigmoid, sigmoid, ReLU]"))]  # 4c's question, filed under 4b
    assert w41.check("w41-4b", *cells, *both) == ("pass", "")


def test_a_network_of_other_input_size_is_the_students_and_fails_5c():
    import test_checks_week41 as w41

    other = w41.NETWORK_5C.replace("create_layers_batch(4, [12, 10, 3])", "create_layers_batch(2, [3, 2, 1])"
                                   ).replace("np.random.rand(20, 4)", "np.random.rand(20, 2)")
    assert other != w41.NETWORK_5C
    status, reason = w41.check("w41-5c", ("w41-5a", w41.CREATE_BATCH), ("w41-5b", w41.FORWARD_BATCH),
                               ("w41-5c", other))
    assert status == "fail" and reason.startswith(
        "your network `layers` takes 2 inputs (layers [3, 2, 1]), the exercise asks for 4 inputs"), reason
