#!/usr/bin/env python3
"""Build ``cases.jsonl``: a hand-labelled test set for answer graders.

Every row pairs a model completion (``prediction``) with the raw benchmark field
(``gold``) and a label that is fixed *by construction*, never by running a grader:

* ``rewrite/...`` rows (label true): the final answer of the prediction is an
  equivalent rewrite of the reference answer (0.5 vs 1/2, 1,635 vs 1635, ...).
* ``near-miss/...`` rows (label false): the final answer is deliberately wrong but
  close (off by one, sign flipped, tuple reversed, interval closure changed, ...), or
  there is no final answer at all.

Each benchmark has a table of items. An item is one problem of our own: the raw gold
field, the reference answer in plain text, the reasoning lines every prediction for it
starts with (they never state the reference answer), and a list of cases. A case is

    ok(kind, form)        prediction ends with `form` stated as the answer; label true
    bad(kind, form)       same, but `form` is wrong;                         label false
    bad_tail(kind, text)  prediction ends with `text` instead of an answer;  label false

The sentence that states `form` ("The answer is X.", "#### X", "$\\boxed{X}$", ...) is
picked by a fixed rotation, unless the case names a style. No randomness: running the
script twice writes the same bytes.

Regenerate with:  python tests/data/grading/build_cases.py
Standard library only.
"""

from __future__ import annotations

import ast
import json
import re
from fractions import Fraction
from pathlib import Path

OUT = Path(__file__).resolve().parent / "cases.jsonl"

# --------------------------------------------------------------------------- kinds

KINDS = {
    # label true
    "rewrite/identical": "final answer written exactly like the reference (baseline)",
    "rewrite/trailing-zeros": "3 vs 3.0 vs 3.00, 7.5 vs 7.50",
    "rewrite/thousands-sep": "1635 vs 1,635",
    "rewrite/latex-thousands": "10{,}000 vs 10000 / 10,000 / 10\\,000",
    "rewrite/frac-decimal": "a fraction vs the same value as a decimal (1/2 vs 0.5)",
    "rewrite/frac-slash": "\\frac{a}{b} vs a/b (also \\pi/3, \\sqrt{3}/2)",
    "rewrite/dfrac": "\\dfrac vs \\frac",
    "rewrite/brace-less": "\\frac12 vs \\frac{1}{2}, \\sqrt2 vs \\sqrt{2}",
    "rewrite/neg-fraction": "-\\frac{a}{b} vs \\frac{-a}{b}",
    "rewrite/leading-zero": ".5 vs 0.5",
    "rewrite/mixed-number": "2 1/2 vs 2.5",
    "rewrite/var-assign": "x = 4 vs 4 (the variable asked for, or the quantity asked for)",
    "rewrite/named-components": "x=1, y=2 vs (1,2) for an intersection point",
    "rewrite/units": "a unit word or \\text{unit} added (18 apples, 6 hours, 12 cm)",
    "rewrite/currency": "dollar sign added or dropped ($12, \\$18.90 vs 18.90)",
    "rewrite/degree": "degree sign added or dropped (30 vs 30^\\circ vs 30°)",
    "rewrite/percent-sign": "25% vs 25 when the question asks for a percent",
    "rewrite/set-order": "elements of an unordered answer listed in another order",
    "rewrite/set-braces": "1, 2 vs \\{1, 2\\}",
    "rewrite/union-order": "the two parts of a union of intervals swapped",
    "rewrite/left-right": "\\left( ... \\right) delimiters",
    "rewrite/whitespace": "spaces added or removed",
    "rewrite/term-order": "terms of a sum in another order (1 + 2x vs 2x + 1)",
    "rewrite/algebraic": "factored vs expanded form of the same polynomial",
    "rewrite/radical": "the same radical written differently (\\sqrt{12} vs 2\\sqrt{3})",
    "rewrite/coefficient-form": "\\frac{1}{3}\\pi vs \\frac{\\pi}{3}",
    "rewrite/unicode": "unicode symbols for LaTeX ones (√, π, ∞, ≥)",
    "rewrite/text-wrap": "\\text{odd} vs odd vs \\textbf{odd}",
    "rewrite/text-case": "Odd vs odd",
    "rewrite/choice-letter": "\\text{(C)} vs (C) vs C",
    "rewrite/matrix-spacing": "matrix with different spacing / a trailing row break",
    "rewrite/matrix-brackets": "pmatrix vs bmatrix",
    "rewrite/base-subscript": "1011_2 vs 1011_{2}",
    "rewrite/sci-notation": "5\\cdot 10^3 vs 5000 vs 5 \\times 10^3",
    "rewrite/radian-degree": "\\frac{\\pi}{3} vs 60° for an angle asked without units",
    "rewrite/inequality": "x\\geq 3 vs x \\ge 3",
    "rewrite/interval": "x\\geq 3 vs [3, +\\infty)",
    "rewrite/plus-infinity": "\\infty vs +\\infty",
    # label false
    "near-miss/off-by-one": "the answer plus or minus one (or one unit in the last place)",
    "near-miss/sign": "a sign flipped somewhere",
    "near-miss/transposed-digits": "two digits swapped (1635 vs 1653)",
    "near-miss/decimal-shift": "the decimal point moved (7.5 vs 0.75, 15000 vs 1500)",
    "near-miss/inverted-fraction": "a/b vs b/a",
    "near-miss/complement": "1 - p, 100% - p, 90° - x, or the complementary set",
    "near-miss/supplement": "180° - x",
    "near-miss/intermediate-value": "a value from an intermediate step stated as final",
    "near-miss/wrong-quantity": "another quantity of the problem (gcd for lcm, distance...)",
    "near-miss/wrong-operation": "added instead of subtracted, multiplied instead of divided",
    "near-miss/correct-mid-reasoning": "the right number appears mid-reasoning, the final "
    "answer stated is different",
    "near-miss/mixed-number": "a mixed number close to the answer (2 and 1/2 vs 3)",
    "near-miss/no-answer": "the completion stops or gives up without a final answer",
    "near-miss/truncated-boxed": "\\boxed{ opened and cut off before the answer is complete",
    "near-miss/tuple-order": "an ordered tuple or column vector with entries swapped",
    "near-miss/missing-element": "a solution or coordinate left out",
    "near-miss/extra-element": "elements that do not belong added",
    "near-miss/interval-closure": "open/closed ends of an interval changed",
    "near-miss/interval-direction": "the interval on the wrong side",
    "near-miss/wrong-text": "another word answer (even vs odd, Tuesday vs Wednesday)",
    "near-miss/wrong-choice": "another multiple-choice letter",
    "near-miss/constant-term": "an expression that differs by a constant term",
    "near-miss/radical": "√2 vs 2, 2√2 vs √2, 3√3 vs 3√2",
    "near-miss/missing-sqrt": "the square (no square root taken): 20 vs 2√5",
    "near-miss/pi-fraction": "π/3 vs π/6 or 2π/3",
    "near-miss/dropped-pi": "4 vs 4π",
    "near-miss/trig-value": "the value of another trig function / angle",
    "near-miss/factor-of-two": "twice or half the answer",
    "near-miss/exponent": "the power of ten off by one (5·10^4 vs 5·10^3)",
    "near-miss/ratio-order": "5:3 vs 3:5",
    "near-miss/strict-inequality": "x > 3 vs x ≥ 3",
    "near-miss/inequality-direction": "x ≤ 3 vs x ≥ 3",
    "near-miss/transposed-matrix": "a matrix vs its transpose",
    "near-miss/swapped-coefficients": "y = 3x + 2 vs y = 2x + 3",
    "near-miss/radius-not-squared": "circle equation with r instead of r^2",
    "near-miss/wrong-denominator": "a percent of the wrong whole",
    "near-miss/order-of-operations": "(3 - 2)·5 instead of 3 - 2·5",
    "near-miss/unrounded": "a non-integer where a whole count is required",
}

# --------------------------------------------------------------------------- helpers


def ok(kind, form, style=None):
    return {"label": True, "kind": "rewrite/" + kind, "form": form, "style": style, "tail": None}


def bad(kind, form, style=None):
    return {"label": False, "kind": "near-miss/" + kind, "form": form, "style": style, "tail": None}


def bad_tail(kind, tail):
    return {"label": False, "kind": "near-miss/" + kind, "form": None, "style": None, "tail": tail}


def item(q, gold, ref, work, cases, say=None):
    """q: the problem (for reviewers; not written out). say: a closing sentence with {}."""
    return {"q": q, "gold": gold, "ref": ref, "work": work, "cases": cases, "say": say}


def gsm(lines, answer):
    """A GSM8K `answer` field: worked lines, then '#### <answer>'."""
    return "\n".join([*lines, "#### " + answer])


# Closing sentences. "{a}" is replaced by the answer form.
STYLES = {
    "is": "The answer is {a}.",
    "colon": "The answer is: {a}",
    "so": "So the answer is {a}",
    "hash": "#### {a}",
    "boxed": r"Therefore, the final answer is $\boxed{{a}}$.",
    "dollar": "The answer is ${a}$.",
    "fin": r"The final answer is $\boxed{{a}}$. I hope it is correct.",
    "display": r"$$\boxed{{a}}$$",
    "sobox": r"So the answer is \boxed{{a}}.",
}
# Rotations. Numeric benchmarks: a bare number may take any style ("say" = the item's own
# sentence, so the answer is just the last number); a form with words or symbols only a
# sentence; a LaTeX form only a math style. LaTeX benchmarks rotate through math styles.
ROTATIONS = {
    "bare": ["is", "hash", "say", "boxed", "colon", "dollar", "so"],
    "wordy": ["is", "colon", "so"],
    "latex": ["boxed", "dollar"],
    "tex": ["fin", "boxed", "dollar", "display", "colon", "sobox"],
}
NUMERIC = {"gsm8k", "svamp", "asdiv", "mawps"}
BARE = re.compile(r"-?[\d.,/]+")

# =========================================================================== GSM8K
# gold = the `answer` field: worked lines with <<calculator>> annotations, then '#### N'.

GSM8K = [
    item(
        q="A warehouse receives 3 shipments of 425 boxes and 2 shipments of 180 boxes. "
        "How many boxes does it receive?",
        gold=gsm(
            [
                "The three large shipments hold 3 * 425 = <<3*425=1275>>1275 boxes.",
                "The two small shipments hold 2 * 180 = <<2*180=360>>360 boxes.",
                "Altogether that is 1275 + 360 = <<1275+360=1635>>1635 boxes.",
            ],
            "1635",
        ),
        ref="1635",
        work=[
            "The large shipments bring 3 * 425 = 1275 boxes.",
            "The small shipments bring 2 * 180 = 360 boxes.",
            "Now add the two amounts together.",
        ],
        say="So the warehouse receives {} boxes.",
        cases=[
            ok("thousands-sep", "1,635"),
            ok("identical", "1635"),
            ok("units", "1635 boxes"),
            bad("off-by-one", "1634"),
            bad("transposed-digits", "1653"),
            bad_tail(
                "correct-mid-reasoning",
                "1275 + 360 = 1635 boxes arrive, but the 360 small boxes were already counted.\n"
                "So the warehouse receives 1635 - 360 = 1275 new boxes.\n"
                "The answer is 1275.",
            ),
        ],
    ),
    item(
        q="Lena buys 4 notebooks at $2.75 each and a pen for $1.50. She pays with a $20 bill. "
        "How much change does she get?",
        gold=gsm(
            [
                "The notebooks cost 4 * 2.75 = <<4*2.75=11>>11 dollars.",
                "With the pen she spends 11 + 1.50 = <<11+1.50=12.5>>12.50 dollars.",
                "Her change is 20 - 12.50 = <<20-12.50=7.5>>7.50 dollars.",
            ],
            "7.5",
        ),
        ref="7.5",
        work=[
            "The notebooks cost 4 * $2.75 = $11.",
            "Adding the pen, she spends $11 + $1.50 = $12.50.",
            "She pays with $20, so subtract what she spent.",
        ],
        say="So Lena gets ${} back.",
        cases=[
            ok("trailing-zeros", "7.50"),
            ok("currency", "$7.50"),
            ok("units", "7.5 dollars"),
            bad("intermediate-value", "12.50"),
            bad("decimal-shift", "0.75"),
            bad("off-by-one", "8.5"),
        ],
    ),
    item(
        q="At 6 a.m. the temperature was -4 degrees. It rose 9 degrees by noon and fell "
        "11 degrees by midnight. What was the temperature at midnight?",
        gold=gsm(
            [
                "By noon the temperature was -4 + 9 = <<-4+9=5>>5 degrees.",
                "At midnight it was 5 - 11 = <<5-11=-6>>-6 degrees.",
            ],
            "-6",
        ),
        ref="-6",
        work=[
            "Starting at -4 and rising 9 degrees gives -4 + 9 = 5 degrees at noon.",
            "Then it falls 11 degrees.",
        ],
        say="So the temperature at midnight was {} degrees.",
        cases=[
            ok("identical", "-6"),
            ok("units", "-6 degrees"),
            ok("trailing-zeros", "-6.0"),
            bad("sign", "6"),
            bad("off-by-one", "-5"),
        ],
    ),
    item(
        q="In a class of 40 students, 10 wear glasses. What percent of the students wear glasses?",
        gold=gsm(
            [
                "The fraction wearing glasses is 10 / 40 = <<10/40=0.25>>0.25.",
                "As a percent that is 0.25 * 100 = <<0.25*100=25>>25 percent.",
            ],
            "25",
        ),
        ref="25",
        work=["10 out of 40 students wear glasses.", "As a fraction of the class that is 10 / 40."],
        say="So {} percent of the students wear glasses.",
        cases=[
            ok("percent-sign", "25%"),
            ok("units", "25 percent"),
            ok("identical", "25"),
            bad("complement", "75%"),
            bad("off-by-one", "26%"),
        ],
    ),
    item(
        q="A train travels 180 miles at 60 miles per hour and then 150 miles at 50 miles per "
        "hour. How many hours does the trip take?",
        gold=gsm(
            [
                "The first part takes 180 / 60 = <<180/60=3>>3 hours.",
                "The second part takes 150 / 50 = <<150/50=3>>3 hours.",
                "The whole trip takes 3 + 3 = <<3+3=6>>6 hours.",
            ],
            "6",
        ),
        ref="6",
        work=[
            "The first leg takes 180 / 60 = 3 hours.",
            "The second leg takes 150 / 50 = 3 hours.",
        ],
        say="So the trip takes {} hours.",
        cases=[
            ok("units", "6 hours"),
            ok("trailing-zeros", "6.0"),
            ok("identical", "6"),
            bad("off-by-one", "5"),
            bad("wrong-quantity", "330 miles"),
            bad_tail(
                "no-answer",
                "To get the total time I need to combine the two legs, but first I should "
                "check whether the train stops between them, and",
            ),
        ],
    ),
    item(
        q="Each of a school's 12 classes raises $1,050 for charity, and the principal adds "
        "$2,400. How much money is raised?",
        gold=gsm(
            [
                "The classes raise 12 * 1050 = <<12*1050=12600>>12600 dollars.",
                "With the principal's gift the total is 12600 + 2400 = <<12600+2400=15000>>15000 "
                "dollars.",
            ],
            "15000",
        ),
        ref="15000",
        work=["The classes raise 12 * $1,050 = $12,600.", "The principal adds $2,400 to that."],
        say="So the school raises ${} in total.",
        cases=[
            ok("thousands-sep", "15,000"),
            ok("currency", "$15,000"),
            ok("units", "15000 dollars"),
            bad("intermediate-value", "12,600"),
            bad("decimal-shift", "1,500"),
            bad_tail("truncated-boxed", r"The total raised is $\boxed{15"),
        ],
    ),
    item(
        q="A recipe uses 2.5 cups of flour per batch. How many cups are needed for 7 batches?",
        gold=gsm(["Seven batches need 7 * 2.5 = <<7*2.5=17.5>>17.5 cups of flour."], "17.5"),
        ref="17.5",
        work=["Each batch uses 2.5 cups.", "There are 7 batches, so multiply 7 by 2.5."],
        say="So {} cups of flour are needed.",
        cases=[
            ok("units", "17.5 cups"),
            ok("trailing-zeros", "17.50"),
            ok("mixed-number", "17 1/2 cups"),
            bad("decimal-shift", "175"),
            bad("off-by-one", "16.5"),
            bad("wrong-operation", "9.5"),
        ],
    ),
    item(
        q="Tom reads 35 pages a day. How many days will it take him to read a 420-page book?",
        gold=gsm(["He needs 420 / 35 = <<420/35=12>>12 days."], "12"),
        ref="12",
        work=[
            "The book has 420 pages and Tom reads 35 pages each day.",
            "Divide the pages by the daily amount.",
        ],
        say="So it takes Tom {} days.",
        cases=[
            ok("units", "12 days"),
            ok("identical", "12"),
            bad("off-by-one", "13"),
            bad("transposed-digits", "21"),
            bad("mixed-number", "11 and 1/2 days"),
        ],
    ),
    item(
        q="A parking garage has 5 levels with 86 spaces on each level. If 129 spaces are "
        "taken, how many are empty?",
        gold=gsm(
            [
                "The garage has 5 * 86 = <<5*86=430>>430 spaces.",
                "The empty spaces number 430 - 129 = <<430-129=301>>301.",
            ],
            "301",
        ),
        ref="301",
        work=["There are 5 * 86 = 430 spaces in all.", "129 of them are taken."],
        say="So {} spaces are empty.",
        cases=[
            ok("units", "301 spaces"),
            ok("units", r"301 \text{ spaces}"),
            bad("transposed-digits", "310"),
            bad("off-by-one", "302"),
            bad("wrong-operation", "559"),
        ],
    ),
    item(
        q="Maria earns $18 an hour and works 37 hours. 20% of her pay goes to taxes. How much "
        "does she take home?",
        gold=gsm(
            [
                "She earns 18 * 37 = <<18*37=666>>666 dollars.",
                "Taxes are 0.20 * 666 = <<0.20*666=133.2>>133.20 dollars.",
                "She takes home 666 - 133.20 = <<666-133.20=532.8>>532.80 dollars.",
            ],
            "532.8",
        ),
        ref="532.8",
        work=[
            "Her pay before tax is 18 * 37 = $666.",
            "Taxes take 20% of that, which is 0.2 * 666 = $133.20.",
        ],
        say="So Maria takes home ${}.",
        cases=[
            ok("trailing-zeros", "532.80"),
            ok("currency", "$532.80"),
            ok("identical", "532.8"),
            bad("intermediate-value", "666"),
            bad("decimal-shift", "53.28"),
            bad("off-by-one", "533.8"),
        ],
    ),
    item(
        q="A tank holds 2,000 liters. A pump removes 125 liters per minute. How many liters "
        "are left after 9 minutes?",
        gold=gsm(
            [
                "In 9 minutes the pump removes 9 * 125 = <<9*125=1125>>1125 liters.",
                "The tank has 2000 - 1125 = <<2000-1125=875>>875 liters left.",
            ],
            "875",
        ),
        ref="875",
        work=["In 9 minutes the pump removes 9 * 125 = 1125 liters."],
        say="So {} liters are left in the tank.",
        cases=[
            ok("units", "875 liters"),
            ok("trailing-zeros", "875.0"),
            bad("intermediate-value", "1,125"),
            bad("off-by-one", "876"),
            bad_tail(
                "no-answer",
                "Now I need to subtract this from what the tank held, but I am not sure the "
                "tank started full, so I cannot give a final answer.",
            ),
        ],
    ),
    item(
        q="Jake has 3 times as many stickers as Ben. Together they have 96 stickers. How many "
        "stickers does Jake have?",
        gold=gsm(
            [
                "Together they have 3 + 1 = <<3+1=4>>4 equal parts.",
                "Each part is 96 / 4 = <<96/4=24>>24 stickers.",
                "Jake has 3 * 24 = <<3*24=72>>72 stickers.",
            ],
            "72",
        ),
        ref="72",
        work=["Let Ben have b stickers, so Jake has 3b.", "Then b + 3b = 4b = 96, so b = 24."],
        say="So Jake has {} stickers.",
        cases=[
            ok("units", "72 stickers"),
            ok("identical", "72"),
            bad("wrong-quantity", "24"),
            bad("transposed-digits", "27"),
        ],
    ),
    item(
        q="An orchard has 14 rows of 23 trees, and each tree gives 40 apples. How many apples "
        "does the orchard produce?",
        gold=gsm(
            [
                "There are 14 * 23 = <<14*23=322>>322 trees.",
                "They produce 322 * 40 = <<322*40=12880>>12880 apples.",
            ],
            "12880",
        ),
        ref="12880",
        work=["The orchard has 14 * 23 = 322 trees.", "Each tree gives 40 apples."],
        say="So the orchard produces {} apples.",
        cases=[
            ok("thousands-sep", "12,880"),
            ok("units", "12880 apples"),
            ok("identical", "12880"),
            bad("decimal-shift", "1288"),
            bad("transposed-digits", "12,808"),
        ],
    ),
    item(
        q="Sara had $50. She spent 3/5 of it on a jacket and then $8 on lunch. How much money "
        "does she have left?",
        gold=gsm(
            [
                "The jacket cost 3/5 * 50 = <<3/5*50=30>>30 dollars.",
                "After the jacket she had 50 - 30 = <<50-30=20>>20 dollars.",
                "After lunch she has 20 - 8 = <<20-8=12>>12 dollars.",
            ],
            "12",
        ),
        ref="12",
        work=[
            "The jacket costs 3/5 of $50, which is $30.",
            "That leaves her with $50 - $30 = $20.",
            "Then she spends $8 on lunch.",
        ],
        say="So Sara has ${} left.",
        cases=[
            ok("currency", "$12"),
            ok("trailing-zeros", "12.00"),
            bad("intermediate-value", "20"),
            bad("off-by-one", "13"),
            bad_tail(
                "correct-mid-reasoning",
                "After lunch she has $20 - $8 = $12.\n"
                "She also pays back the $8 she borrowed, so she has $12 - $8 = $4.\n"
                "The answer is 4.",
            ),
        ],
    ),
    item(
        q="A bus holds 48 passengers. How many buses are needed to carry 310 students?",
        gold=gsm(
            [
                "Six buses carry 6 * 48 = <<6*48=288>>288 students, which is fewer than 310.",
                "So the school needs 6 + 1 = <<6+1=7>>7 buses.",
            ],
            "7",
        ),
        ref="7",
        work=["Six buses carry 6 * 48 = 288 students, which is not enough for 310."],
        say="So {} buses are needed.",
        cases=[
            ok("units", "7 buses"),
            ok("identical", "7"),
            bad("off-by-one", "6"),
            bad("unrounded", "6.46"),
        ],
    ),
    item(
        q="A relay race is 7.5 km long and each runner covers 2.5 km. How many runners are "
        "on the team?",
        gold=gsm(["The team needs 7.5 / 2.5 = <<7.5/2.5=3>>3 runners."], "3"),
        ref="3",
        work=[
            "The race is 7.5 km and each leg is 2.5 km.",
            "Divide the total distance by the length of one leg.",
        ],
        say="So the team has {} runners.",
        cases=[
            ok("trailing-zeros", "3.0"),
            ok("units", "3 runners"),
            bad("mixed-number", "2 and 1/2"),
            bad("wrong-quantity", "2.5"),
            bad("inverted-fraction", "1/3"),
        ],
    ),
    item(
        q="A stock's price changed by +1.5, -3 and -1 dollars over three days. What was the "
        "total change in dollars?",
        gold=gsm(["The total change is 1.5 - 3 - 1 = <<1.5-3-1=-2.5>>-2.5 dollars."], "-2.5"),
        ref="-2.5",
        work=["Add the three daily changes: +1.5, -3 and -1."],
        say="So the total change was {} dollars.",
        cases=[
            ok("identical", "-2.5"),
            ok("trailing-zeros", "-2.50"),
            ok("frac-decimal", "-5/2"),
            bad("sign", "2.5"),
            bad("off-by-one", "-3.5"),
        ],
    ),
    item(
        q="A factory makes 1,240 toys a day for 5 days and then ships 2,975 of them. How many "
        "toys remain?",
        gold=gsm(
            [
                "The factory makes 1240 * 5 = <<1240*5=6200>>6200 toys.",
                "After shipping, 6200 - 2975 = <<6200-2975=3225>>3225 toys remain.",
            ],
            "3225",
        ),
        ref="3225",
        work=[
            "In 5 days the factory makes 1,240 * 5 = 6,200 toys.",
            "Then 2,975 toys are shipped.",
        ],
        say="So {} toys remain.",
        cases=[
            ok("thousands-sep", "3,225"),
            ok("units", "3,225 toys"),
            bad("transposed-digits", "3,252"),
            bad("off-by-one", "3,224"),
            bad_tail("truncated-boxed", r"Subtracting, the number of toys left is $\boxed{32"),
        ],
    ),
]

# =========================================================================== SVAMP
# gold = the `Answer` field: a JSON number.

SVAMP = [
    item(
        q="Mike has 14 marbles and finds 9 more. How many marbles does he have now?",
        gold=23.0,
        ref="23",
        work=["Mike starts with 14 marbles.", "He finds 9 more, so we add."],
        say="Mike has {} marbles now.",
        cases=[
            ok("identical", "23"),
            ok("trailing-zeros", "23.0"),
            ok("units", "23 marbles"),
            bad("wrong-operation", "5"),
            bad("off-by-one", "24"),
        ],
    ),
    item(
        q="56 cupcakes are shared equally among 8 boxes. How many cupcakes go in each box?",
        gold=7.0,
        ref="7",
        work=["There are 56 cupcakes and 8 boxes.", "Each box gets 56 / 8 cupcakes."],
        say="Each box gets {} cupcakes.",
        cases=[
            ok("trailing-zeros", "7.00"),
            ok("units", "7 cupcakes"),
            bad("off-by-one", "8"),
            bad("wrong-operation", "448"),
        ],
    ),
    item(
        q="A 10 meter ribbon is cut into 4 equal pieces. How long is each piece?",
        gold=2.5,
        ref="2.5",
        work=[
            "The ribbon is 10 meters long.",
            "Cutting it into 4 equal pieces means dividing by 4.",
        ],
        say="Each piece is {} meters long.",
        cases=[
            ok("identical", "2.5"),
            ok("frac-decimal", "5/2"),
            ok("mixed-number", "2 1/2 meters"),
            bad("decimal-shift", "25"),
            bad("inverted-fraction", "0.4"),
        ],
    ),
    item(
        q="A book has 120 pages. Ana has read 45 pages. How many pages are left?",
        gold=75.0,
        ref="75",
        work=["The book has 120 pages.", "Ana has read 45 of them."],
        say="There are {} pages left.",
        cases=[
            ok("trailing-zeros", "75.0"),
            ok("units", "75 pages"),
            bad("transposed-digits", "57"),
            bad("wrong-operation", "165"),
        ],
    ),
    item(
        q="Each of 6 shelves holds 13 jars. How many jars are there?",
        gold=78.0,
        ref="78",
        work=["There are 6 shelves with 13 jars each."],
        say="There are {} jars in all.",
        cases=[
            ok("identical", "78"),
            ok("units", "78 jars"),
            bad("transposed-digits", "87"),
            bad("off-by-one", "79"),
            bad_tail(
                "no-answer",
                "To find the total we multiply the number of shelves by the number of jars on "
                "each shelf, which gives",
            ),
        ],
    ),
    item(
        q="A library had 980 books and received 270 more. How many books does it have now?",
        gold=1250.0,
        ref="1250",
        work=["The library starts with 980 books and gets 270 more."],
        say="The library now has {} books.",
        cases=[
            ok("thousands-sep", "1,250"),
            ok("trailing-zeros", "1250.0"),
            ok("units", "1250 books"),
            bad("transposed-digits", "1,520"),
            bad("wrong-operation", "710"),
        ],
    ),
    item(
        q="Lily picked 42 apples and Noah picked 25 apples. How many more apples did Lily "
        "pick than Noah?",
        gold=17.0,
        ref="17",
        work=["Lily picked 42 apples and Noah picked 25.", "The difference is 42 - 25."],
        say="Lily picked {} more apples than Noah.",
        cases=[
            ok("identical", "17"),
            ok("units", "17 more apples"),
            bad("sign", "-17"),
            bad("wrong-operation", "67"),
            bad("off-by-one", "18"),
        ],
    ),
    item(
        q="A jug holds 3 liters of juice, poured equally into 6 cups. How many liters are in "
        "each cup?",
        gold=0.5,
        ref="0.5",
        work=["3 liters are shared among 6 cups.", "Each cup gets 3 / 6 liters."],
        say="Each cup holds {} liters.",
        cases=[
            ok("frac-decimal", "1/2"),
            ok("leading-zero", ".5"),
            ok("frac-decimal", r"\frac{1}{2}"),
            ok("trailing-zeros", "0.50"),
            bad("inverted-fraction", "2"),
            bad("decimal-shift", "5"),
        ],
    ),
    item(
        q="36 students are split into 4 equal teams. How many students are on each team?",
        gold=9.0,
        ref="9",
        work=["36 students are split into 4 equal teams."],
        say="Each team has {} students.",
        cases=[
            ok("trailing-zeros", "9.0"),
            ok("units", "9 students"),
            bad("off-by-one", "8"),
            bad("wrong-operation", "144"),
        ],
    ),
    item(
        q="A baker had 15 rolls, baked 27 more, and sold 8. How many rolls are left?",
        gold=34.0,
        ref="34",
        work=["The baker has 15 + 27 = 42 rolls after baking.", "Then 8 rolls are sold."],
        say="The baker has {} rolls left.",
        cases=[
            ok("identical", "34"),
            ok("units", "34 rolls"),
            bad("transposed-digits", "43"),
            bad("intermediate-value", "42"),
            bad_tail("truncated-boxed", r"So the number of rolls left is $\boxed{3"),
        ],
    ),
    item(
        q="There are 16 bags with 4 oranges in each bag. How many oranges are there?",
        gold=64.0,
        ref="64",
        work=["Each of the 16 bags holds 4 oranges."],
        say="There are {} oranges.",
        cases=[
            ok("trailing-zeros", "64.00"),
            ok("units", "64 oranges"),
            bad("transposed-digits", "46"),
            bad("off-by-one", "65"),
        ],
    ),
    item(
        q="A tree was 31 feet tall. After it was trimmed it was 12 feet shorter. How tall is "
        "it now?",
        gold=19.0,
        ref="19",
        work=["The tree was 31 feet tall.", "Trimming removed 12 feet."],
        say="The tree is now {} feet tall.",
        cases=[
            ok("units", "19 feet"),
            ok("identical", "19"),
            bad("wrong-operation", "43"),
            bad("off-by-one", "18"),
            bad_tail(
                "correct-mid-reasoning",
                "31 - 12 = 19 feet right after trimming.\n"
                "It then grows back 12 feet, so it is 19 + 12 = 31 feet tall.\n"
                "The answer is 31.",
            ),
        ],
    ),
    item(
        q="28 pencils are packed 7 to a box. How many boxes are needed?",
        gold=4.0,
        ref="4",
        work=["There are 28 pencils and each box holds 7."],
        say="So {} boxes are needed.",
        cases=[
            ok("trailing-zeros", "4.0"),
            ok("units", "4 boxes"),
            bad("off-by-one", "3"),
            bad("wrong-operation", "196"),
            bad("mixed-number", "3 and 1/2"),
        ],
    ),
    item(
        q="A theater has 12 rows of 25 seats. How many seats are there?",
        gold=300.0,
        ref="300",
        work=["The theater has 12 rows and each row has 25 seats."],
        say="The theater has {} seats.",
        cases=[
            ok("identical", "300"),
            ok("units", "300 seats"),
            bad("decimal-shift", "3,000"),
            bad("wrong-operation", "37"),
        ],
    ),
    item(
        q="15 liters of paint are split evenly between 2 painters. How many liters does each get?",
        gold=7.5,
        ref="7.5",
        work=["There are 15 liters for 2 painters.", "Each painter gets 15 / 2 liters."],
        say="Each painter gets {} liters.",
        cases=[
            ok("frac-decimal", "15/2"),
            ok("units", "7.5 liters"),
            bad("decimal-shift", "75"),
            bad("off-by-one", "6.5"),
        ],
    ),
]

# =========================================================================== ASDiv
# gold = the `answer` field: "N (unit)" or just "N".

ASDIV = [
    item(
        q="Lucy has 8 crayons and her brother gives her 6 more. How many crayons does she have?",
        gold="14 (crayons)",
        ref="14",
        work=["Lucy starts with 8 crayons.", "Her brother gives her 6 more."],
        say="Lucy has {} crayons.",
        cases=[
            ok("units", "14 crayons"),
            ok("identical", "14"),
            bad("off-by-one", "13"),
            bad("transposed-digits", "41"),
        ],
    ),
    item(
        q="A pie is cut into 8 equal slices and 6 slices are eaten. What fraction of the pie "
        "is eaten?",
        gold="3/4 (of the pie)",
        ref="3/4",
        work=["6 of the 8 slices are eaten.", "That is 6/8 of the pie, which we simplify."],
        say="So {} of the pie is eaten.",
        cases=[
            ok("frac-decimal", "0.75"),
            ok("frac-slash", r"\frac{3}{4}"),
            ok("units", "3/4 of the pie"),
            bad("inverted-fraction", "4/3"),
            bad("complement", "1/4"),
        ],
    ),
    item(
        q="A runner runs 2.5 km a day for 5 days. How far does she run?",
        gold="12.5 (km)",
        ref="12.5",
        work=["She runs 2.5 km each day for 5 days."],
        say="She runs {} km in total.",
        cases=[
            ok("units", "12.5 km"),
            ok("trailing-zeros", "12.50"),
            ok("frac-decimal", "25/2"),
            bad("decimal-shift", "125"),
            bad("off-by-one", "13.5"),
        ],
    ),
    item(
        q="Tim has 18 cookies and shares them equally among 3 friends. How many cookies does "
        "each friend get?",
        gold="6",
        ref="6",
        work=["18 cookies are shared among 3 friends."],
        say="Each friend gets {} cookies.",
        cases=[
            ok("identical", "6"),
            ok("trailing-zeros", "6.0"),
            bad("off-by-one", "7"),
            bad("wrong-operation", "54"),
            bad_tail(
                "no-answer",
                "I cannot solve this problem because it does not say how many cookies each "
                "friend wants.",
            ),
        ],
    ),
    item(
        q="In a class of 25 students, 10 walk to school. What fraction of the class walks to "
        "school?",
        gold="2/5 (of the class)",
        ref="2/5",
        work=["10 of the 25 students walk.", "The fraction is 10/25, which simplifies."],
        say="So {} of the class walks to school.",
        cases=[
            ok("frac-decimal", "0.4"),
            ok("frac-slash", r"\frac{2}{5}"),
            bad("inverted-fraction", "5/2"),
            bad("complement", "3/5"),
        ],
    ),
    item(
        q="A movie starts at 2:15 and ends at 3:00. How many minutes long is it?",
        gold="45 (minutes)",
        ref="45",
        work=["From 2:15 to 3:00 is the rest of the hour after the first quarter."],
        say="The movie is {} minutes long.",
        cases=[
            ok("units", "45 minutes"),
            ok("identical", "45"),
            bad("transposed-digits", "54"),
            bad("off-by-one", "46"),
        ],
    ),
    item(
        q="Four laptops cost $300 each. What is the total cost?",
        gold="1200 (dollars)",
        ref="1200",
        work=["Each laptop costs $300 and there are 4 laptops."],
        say="The total cost is ${}.",
        cases=[
            ok("currency", "$1,200"),
            ok("units", "1200 dollars"),
            ok("thousands-sep", "1,200"),
            bad("decimal-shift", "120"),
            bad("transposed-digits", "2100"),
        ],
    ),
    item(
        q="A 3 liter bottle of water is shared equally among 5 people. How many liters does "
        "each person get?",
        gold="0.6 (liters)",
        ref="0.6",
        work=["3 liters are shared by 5 people.", "Each person gets 3 / 5 liters."],
        say="Each person gets {} liters.",
        cases=[
            ok("leading-zero", ".6 liters"),
            ok("frac-decimal", "3/5"),
            ok("trailing-zeros", "0.60"),
            bad("decimal-shift", "6"),
            bad("decimal-shift", "0.06"),
            bad("inverted-fraction", "5/3"),
        ],
    ),
    item(
        q="A jar has 30 cookies. 6 are eaten. How many cookies are left?",
        gold="24 (cookies)",
        ref="24",
        work=["The jar starts with 30 cookies and 6 are eaten."],
        say="There are {} cookies left.",
        cases=[
            ok("units", "24 cookies"),
            ok("units", r"24 \text{ cookies}"),
            bad("transposed-digits", "42"),
            bad("off-by-one", "23"),
            bad("wrong-operation", "36"),
        ],
    ),
    item(
        q="Eli had 4 apples and bought 5 more. How many apples does he have?",
        gold="9 (apples)",
        ref="9",
        work=["Eli starts with 4 apples and buys 5 more."],
        say="Eli has {} apples.",
        cases=[
            ok("units", "9 apples"),
            ok("trailing-zeros", "9.0"),
            bad("mixed-number", "8 and 1/2"),
            bad("off-by-one", "10"),
        ],
    ),
    item(
        q="A board is 2 meters long. A 50 cm piece is cut off. How many centimeters are left?",
        gold="150 (cm)",
        ref="150",
        work=["2 meters is 200 cm.", "A 50 cm piece is cut off."],
        say="So {} cm of the board is left.",
        cases=[
            ok("units", "150 cm"),
            ok("trailing-zeros", "150.0"),
            bad("transposed-digits", "105"),
            bad("off-by-one", "151"),
            bad_tail(
                "correct-mid-reasoning",
                "200 - 50 = 150 cm are left on the first board.\n"
                "The second board is the same, so 150 + 150 = 300 cm are left.\n"
                "The answer is 300.",
            ),
        ],
    ),
    item(
        q="Three notebooks cost $11.25 in total. How much does one notebook cost?",
        gold="3.75 (dollars)",
        ref="3.75",
        work=["The total is $11.25 for three notebooks.", "Divide the total by the count."],
        say="One notebook costs ${}.",
        cases=[
            ok("currency", "$3.75"),
            ok("units", "3.75 dollars"),
            ok("frac-decimal", "15/4"),
            bad("decimal-shift", "37.5"),
            bad("transposed-digits", "3.57"),
        ],
    ),
    item(
        q="There are 32 students and half of them are in the choir. How many students are in "
        "the choir?",
        gold="16 (students)",
        ref="16",
        work=["Half of the 32 students are in the choir."],
        say="There are {} students in the choir.",
        cases=[
            ok("units", "16 students"),
            ok("identical", "16"),
            bad("transposed-digits", "61"),
            bad("off-by-one", "17"),
            bad_tail("truncated-boxed", r"Half of 32 is $\boxed{1"),
        ],
    ),
    item(
        q="A car trip is 420 km at 60 km per hour. How many hours does it take?",
        gold="7 (hours)",
        ref="7",
        work=["The trip is 420 km and the car goes 60 km each hour."],
        say="The trip takes {} hours.",
        cases=[
            ok("units", "7 hours"),
            ok("trailing-zeros", "7.00"),
            bad("off-by-one", "6 hours"),
            bad("wrong-operation", "480"),
        ],
    ),
    item(
        q="A garden has 48 tulips in 6 equal rows. How many tulips are in each row?",
        gold="8 (tulips)",
        ref="8",
        work=["48 tulips are planted in 6 equal rows."],
        say="Each row has {} tulips.",
        cases=[
            ok("units", "8 tulips"),
            ok("identical", "8"),
            bad("off-by-one", "9"),
            bad("wrong-operation", "288"),
        ],
    ),
]

# =========================================================================== MAWPS
# gold = the `target` field: a JSON number.

MAWPS = [
    item(
        q="Jan has 18 pencils and buys 24 more. How many pencils does she have?",
        gold=42.0,
        ref="42",
        work=["Jan has 18 pencils and buys 24 more."],
        say="Jan has {} pencils.",
        cases=[
            ok("trailing-zeros", "42.0"),
            ok("units", "42 pencils"),
            bad("transposed-digits", "24"),
            bad("off-by-one", "43"),
        ],
    ),
    item(
        q="A pizza is cut into 8 slices and Bo eats 2. What fraction of the pizza did Bo eat?",
        gold=0.25,
        ref="0.25",
        work=["Bo eats 2 of the 8 slices.", "That is 2/8 of the pizza."],
        say="Bo ate {} of the pizza.",
        cases=[
            ok("frac-decimal", "1/4"),
            ok("leading-zero", ".25"),
            ok("frac-decimal", r"\frac{1}{4}"),
            bad("inverted-fraction", "4"),
            bad("decimal-shift", "2.5"),
            bad("complement", "3/4"),
        ],
    ),
    item(
        q="There are 9 birds on a fence and 4 fly away. How many birds are left?",
        gold=5.0,
        ref="5",
        work=["There were 9 birds and 4 flew away."],
        say="There are {} birds left.",
        cases=[
            ok("identical", "5"),
            ok("units", "5 birds"),
            bad("wrong-operation", "13"),
            bad("off-by-one", "4"),
        ],
    ),
    item(
        q="3 cups of rice are split equally into 2 bowls. How many cups go in each bowl?",
        gold=1.5,
        ref="1.5",
        work=["3 cups are split into 2 bowls."],
        say="Each bowl gets {} cups.",
        cases=[
            ok("frac-decimal", "3/2"),
            ok("trailing-zeros", "1.50"),
            ok("mixed-number", "1 1/2 cups"),
            bad("decimal-shift", "15"),
            bad("inverted-fraction", "2/3"),
        ],
    ),
    item(
        q="A store had 150 shirts and sold 45. How many shirts are left?",
        gold=105.0,
        ref="105",
        work=["The store started with 150 shirts and sold 45."],
        say="The store has {} shirts left.",
        cases=[
            ok("identical", "105"),
            ok("units", "105 shirts"),
            bad("transposed-digits", "150"),
            bad("off-by-one", "104"),
        ],
    ),
    item(
        q="A colony of 256 ants doubles in size 3 times. How many ants are there?",
        gold=2048.0,
        ref="2048",
        work=[
            "Each doubling multiplies the colony by 2.",
            "Three doublings multiply it by 2 * 2 * 2 = 8.",
        ],
        say="There are {} ants.",
        cases=[
            ok("thousands-sep", "2,048"),
            ok("trailing-zeros", "2048.0"),
            bad("transposed-digits", "2,084"),
            bad("off-by-one", "2,047"),
            bad("intermediate-value", "1,024"),
        ],
    ),
    item(
        q="Kim ran 3 of the 4 laps. What fraction of the laps did she run?",
        gold=0.75,
        ref="0.75",
        work=["Kim ran 3 laps out of 4."],
        say="Kim ran {} of the laps.",
        cases=[
            ok("frac-decimal", "3/4"),
            ok("frac-decimal", r"\frac{3}{4}"),
            bad("complement", "0.25"),
            bad("decimal-shift", "7.5"),
            bad("inverted-fraction", "4/3"),
        ],
    ),
    item(
        q="Each basket has 6 apples. How many apples are in 3 baskets?",
        gold=18.0,
        ref="18",
        work=["There are 3 baskets with 6 apples each."],
        say="There are {} apples in the baskets.",
        cases=[
            ok("units", "18 apples"),
            ok("identical", "18"),
            bad("transposed-digits", "81"),
            bad("off-by-one", "17"),
            bad_tail("no-answer", "We need to multiply the number of baskets by"),
        ],
    ),
    item(
        q="A car goes 240 miles in 4 hours. What is its speed in miles per hour?",
        gold=60.0,
        ref="60",
        work=["The car covers 240 miles in 4 hours."],
        say="The car's speed is {} miles per hour.",
        cases=[
            ok("units", "60 miles per hour"),
            ok("units", "60 mph"),
            ok("trailing-zeros", "60.0"),
            bad("wrong-operation", "960"),
            bad("decimal-shift", "6"),
        ],
    ),
    item(
        q="A 25 meter rope is cut in half. How long is each piece?",
        gold=12.5,
        ref="12.5",
        work=["Cutting the 25 meter rope in half means dividing by 2."],
        say="Each piece is {} meters long.",
        cases=[
            ok("units", "12.5 meters"),
            ok("frac-decimal", "25/2"),
            bad("decimal-shift", "1.25"),
            bad("off-by-one", "13.5"),
            bad("wrong-operation", "50"),
        ],
    ),
    item(
        q="Sam had 12 stamps and gave 5 away. How many stamps does he have?",
        gold=7.0,
        ref="7",
        work=["Sam had 12 stamps and gave away 5."],
        say="Sam has {} stamps.",
        cases=[
            ok("trailing-zeros", "7.0"),
            ok("identical", "7"),
            bad("wrong-operation", "17"),
            bad_tail("truncated-boxed", r"So Sam has $\boxed{"),
        ],
    ),
    item(
        q="There are 11 boys and 22 girls in a club. How many members are there?",
        gold=33.0,
        ref="33",
        work=["The club has 11 boys and 22 girls."],
        say="The club has {} members.",
        cases=[
            ok("units", "33 members"),
            ok("identical", "33"),
            bad("off-by-one", "34"),
            bad("wrong-operation", "11"),
        ],
    ),
    item(
        q="A farmer plants 10 rows of 25 corn plants. How many plants are there?",
        gold=250.0,
        ref="250",
        work=["The farmer plants 10 rows with 25 plants in each row."],
        say="There are {} corn plants.",
        cases=[
            ok("units", "250 plants"),
            ok("trailing-zeros", "250.0"),
            bad("transposed-digits", "205"),
            bad("decimal-shift", "2,500"),
            bad_tail(
                "correct-mid-reasoning",
                "10 rows of 25 gives 250 plants.\n"
                "Half of the rows are not planted yet, so only 250 / 2 = 125 plants are in "
                "the ground.\n"
                "The answer is 125.",
            ),
        ],
    ),
    item(
        q="Three friends share 9 oranges equally. How many oranges does each get?",
        gold=3.0,
        ref="3",
        work=["There are 9 oranges and three friends sharing them equally."],
        say="Each friend gets {} oranges.",
        cases=[
            ok("trailing-zeros", "3.00"),
            ok("units", "3 oranges"),
            bad("mixed-number", "2 and 1/2"),
            bad("wrong-operation", "27"),
        ],
    ),
    item(
        q="Tickets cost $4.50 each. How much do 4 tickets cost?",
        gold=18.0,
        ref="18",
        work=["Each ticket costs $4.50 and we need 4 tickets."],
        say="The 4 tickets cost ${}.",
        cases=[
            ok("currency", "$18"),
            ok("currency", "$18.00"),
            ok("units", "18 dollars"),
            bad("decimal-shift", "1.8"),
            bad("off-by-one", "19"),
        ],
    ),
]

# =========================================================================== CARP (en)
# gold = the `answer` field: a short, unnormalised, LaTeX-ish string.

CARP_EN = [
    item(
        q="A bag has 3 red balls and 2 white balls. What is the probability of drawing a red ball?",
        gold=r"\frac{3}{5}",
        ref="3/5",
        work=[r"There are $3 + 2 = 5$ balls in total.", r"$3$ of them are red."],
        cases=[
            ok("frac-slash", "3/5"),
            ok("frac-decimal", "0.6"),
            ok("dfrac", r"\dfrac{3}{5}"),
            bad("inverted-fraction", r"\frac{5}{3}"),
            bad("complement", r"\frac{2}{5}"),
        ],
    ),
    item(
        q="Solve $3x - 5 = 7$.",
        gold="x=4",
        ref="x = 4",
        work=[r"Add $5$ to both sides: $3x = 12$.", r"Divide both sides by $3$."],
        cases=[
            ok("var-assign", "4"),
            ok("whitespace", "x = 4"),
            bad("sign", "x=-4"),
            bad("off-by-one", "x=5"),
        ],
    ),
    item(
        q="Solve $2x + 9 = 5$.",
        gold="-2",
        ref="-2",
        work=[r"Subtract $9$ from both sides: $2x = -4$."],
        cases=[
            ok("var-assign", "x=-2"),
            ok("trailing-zeros", "-2.0"),
            bad("sign", "2"),
            bad("off-by-one", "-3"),
        ],
    ),
    item(
        q="Two angles of a triangle are $60°$ and $75°$. Find the third angle.",
        gold="45°",
        ref="45°",
        work=[r"The angles of a triangle add up to $180°$.", r"$60° + 75° = 135°$."],
        cases=[
            ok("degree", "45"),
            ok("degree", r"45^\circ"),
            ok("degree", r"45 \text{ degrees}"),
            bad("supplement", "135°"),
            bad("transposed-digits", "54°"),
        ],
    ),
    item(
        q="Find the length of the diagonal of a square with side length $2$.",
        gold=r"2\sqrt{2}",
        ref="2√2",
        work=[r"By the Pythagorean theorem the diagonal is $\sqrt{2^2 + 2^2}$."],
        cases=[
            ok("radical", r"\sqrt{8}"),
            ok("unicode", "2√2"),
            ok("brace-less", r"2 \sqrt 2"),
            bad("radical", r"\sqrt{2}"),
            bad("radical", r"2\sqrt{3}"),
        ],
    ),
    item(
        q="Find the intersection point of the lines $y = x + 1$ and $y = 3x - 1$.",
        gold="(1,2)",
        ref="(1, 2)",
        work=[r"Set $x + 1 = 3x - 1$, so $2x = 2$.", r"Substitute back to find $y$."],
        cases=[
            ok("whitespace", "(1, 2)"),
            ok("left-right", r"\left(1,2\right)"),
            ok("named-components", "x=1, y=2"),
            bad("tuple-order", "(2,1)"),
            bad("sign", "(1,-2)"),
        ],
    ),
    item(
        q=r"Solve the inequality $2x - 1 \geq 5$.",
        gold=r"x\geq 3",
        ref="x ≥ 3",
        work=[r"Add $1$ to both sides: $2x \geq 6$."],
        cases=[
            ok("inequality", r"x \ge 3"),
            ok("unicode", "x≥3"),
            ok("interval", r"[3, +\infty)"),
            bad("strict-inequality", "x>3"),
            bad("inequality-direction", r"x\leq 3"),
        ],
    ),
    item(
        q="A class has 15 boys and 9 girls. What is the ratio of boys to girls in simplest form?",
        gold="5:3",
        ref="5:3",
        work=[r"The ratio is $15:9$.", r"Divide both terms by their greatest common divisor."],
        cases=[
            ok("identical", "5:3"),
            ok("whitespace", "5 : 3"),
            bad("ratio-order", "3:5"),
        ],
    ),
    item(
        q=r"Find the acute angle $\theta$ with $\cos\theta = \frac{1}{2}$.",
        gold=r"\frac{\pi}{3}",
        ref="π/3",
        work=[r"The cosine of the angle is $\frac{1}{2}$ and $\theta$ is acute."],
        cases=[
            ok("frac-slash", r"\pi/3"),
            ok("coefficient-form", r"\frac{1}{3}\pi"),
            ok("radian-degree", "60°"),
            bad("pi-fraction", r"\frac{\pi}{6}"),
            bad("pi-fraction", r"\frac{2\pi}{3}"),
        ],
    ),
    item(
        q=r"Compute $6 \div 4$.",
        gold="1.5",
        ref="1.5",
        work=[r"Write the division as a fraction: $\frac{6}{4}$."],
        cases=[
            ok("frac-decimal", r"\frac{3}{2}"),
            ok("trailing-zeros", "1.50"),
            ok("frac-decimal", "3/2"),
            bad("decimal-shift", "15"),
            bad("inverted-fraction", "2/3"),
        ],
    ),
    item(
        q="A rectangle has area $48$ and width $4$. Find its length.",
        gold="12",
        ref="12",
        work=[r"The area of a rectangle is length times width."],
        cases=[
            ok("identical", "12"),
            ok("trailing-zeros", "12.0"),
            bad("transposed-digits", "21"),
            bad("off-by-one", "13"),
            bad_tail(
                "no-answer", r"Let the length be $l$. Then $4l = 48$, and dividing both sides by"
            ),
        ],
    ),
    item(
        q="Find the slope of the line through $(0, 1)$ and $(4, -1)$.",
        gold=r"-\frac{1}{2}",
        ref="-1/2",
        work=[r"The slope is $\frac{-1 - 1}{4 - 0}$."],
        cases=[
            ok("frac-decimal", "-0.5"),
            ok("neg-fraction", r"\frac{-1}{2}"),
            ok("frac-slash", "-1/2"),
            bad("sign", r"\frac{1}{2}"),
            bad("inverted-fraction", "-2"),
        ],
    ),
    item(
        q="Find the side length of a square with area $27$.",
        gold=r"3\sqrt{3}",
        ref="3√3",
        work=["The side length is the square root of the area."],
        cases=[
            ok("radical", r"\sqrt{27}"),
            ok("whitespace", r"3 \sqrt{3}"),
            bad("radical", r"3\sqrt{2}"),
            bad("radical", "9"),
        ],
    ),
    item(
        q="Solve $x^2 - 5x + 6 = 0$.",
        gold="x_{1}=2, x_{2}=3",
        ref="x = 2 or x = 3",
        work=[r"Factor: $(x - 2)(x - 3) = 0$."],
        cases=[
            ok("set-order", "x=3 or x=2"),
            ok("set-order", "3, 2"),
            bad("missing-element", "x=2"),
            bad("sign", "x=-2 or x=-3"),
        ],
    ),
    item(
        q="A spinner has 4 equal sections, one of which is blue. What is the probability of "
        "landing on blue?",
        gold=r"\frac{1}{4}",
        ref="1/4",
        work=[r"There are $4$ equally likely sections and $1$ is blue."],
        cases=[
            ok("frac-decimal", "0.25"),
            ok("frac-slash", "1/4"),
            bad("inverted-fraction", "4"),
            bad("complement", r"\frac{3}{4}"),
            bad_tail("truncated-boxed", r"So the probability is $\boxed{\frac{1}{"),
        ],
    ),
    item(
        q="Simplify $3(x + 1) - (x + 2)$.",
        gold="2x+1",
        ref="2x + 1",
        work=[r"Expand: $3x + 3 - x - 2$."],
        cases=[
            ok("term-order", "1+2x"),
            ok("whitespace", "2x + 1"),
            bad("constant-term", "2x-1"),
            bad("constant-term", "2x+5"),
        ],
    ),
    item(
        q="Find the equation of the line with slope $2$ passing through $(1, 1)$.",
        gold="y=2x-1",
        ref="y = 2x - 1",
        work=[r"Point-slope form gives $y - 1 = 2(x - 1)$."],
        cases=[
            ok("term-order", "y = -1 + 2x"),
            ok("whitespace", "y = 2x - 1"),
            bad("constant-term", "y=2x+1"),
            bad("sign", "y=-2x-1"),
        ],
    ),
    item(
        q="Find the area of a circle with radius $2$.",
        gold=r"4\pi",
        ref="4π",
        work=[r"The area of a circle is $\pi r^2$ with $r = 2$."],
        cases=[
            ok("unicode", "4π"),
            ok("whitespace", r"4 \pi"),
            bad("factor-of-two", r"2\pi"),
            bad("dropped-pi", "4"),
        ],
    ),
    item(
        q="Compute $10^2$.",
        gold="100",
        ref="100",
        work=[r"$10^2$ means $10 \times 10$."],
        cases=[
            ok("sci-notation", r"1\times 10^{2}"),
            ok("trailing-zeros", "100.0"),
            bad("exponent", "1000"),
            bad("off-by-one", "101"),
        ],
    ),
    item(
        q="A test has 20 questions and Mia answers 16 correctly. What fraction of the "
        "questions did she answer correctly?",
        gold="0.8",
        ref="0.8",
        work=[r"Mia got $16$ out of $20$ questions right."],
        cases=[
            ok("frac-decimal", r"\frac{4}{5}"),
            ok("frac-decimal", "4/5"),
            ok("trailing-zeros", "0.80"),
            bad("decimal-shift", "0.08"),
            bad("inverted-fraction", r"\frac{5}{4}"),
        ],
    ),
    item(
        q="A price drops from $50$ to $40$. By what percent did it decrease?",
        gold=r"20\%",
        ref="20%",
        work=[r"The decrease is $50 - 40 = 10$.", "Compare the decrease with the original price."],
        cases=[
            ok("percent-sign", "20%", style="colon"),
            ok("percent-sign", "20"),
            bad("wrong-denominator", r"25\%"),
            bad("complement", r"80\%"),
        ],
    ),
]

# =========================================================================== MATH
# gold = the `solution` field: a short LaTeX solution whose LAST \boxed{} is the answer.
# The same format serves `math` and `math-oai`; the problems in the two lists differ.

MATH = [
    item(
        q="A fair six-sided die is rolled. What is the probability that the number rolled is "
        "even? Express your answer as a common fraction.",
        gold=r"Three of the six equally likely outcomes, namely $2$, $4$, and $6$, are even. "
        r"So the probability is $\frac{3}{6} = \boxed{\frac{1}{2}}$.",
        ref="1/2",
        work=[
            r"There are $6$ equally likely outcomes.",
            r"The even outcomes are $2, 4, 6$, which is $3$ outcomes.",
            r"So the probability is $\frac{3}{6}$.",
        ],
        cases=[
            ok("frac-decimal", "0.5"),
            ok("frac-slash", "1/2"),
            ok("dfrac", r"\dfrac{1}{2}"),
            ok("brace-less", r"\frac12"),
            bad("inverted-fraction", "2"),
            bad("off-by-one", r"\frac{2}{6}"),
        ],
    ),
    item(
        q="An equilateral triangle has an altitude of length $3$. What is the length of a side?",
        gold=r"An altitude splits the triangle into two $30^\circ$-$60^\circ$-$90^\circ$ "
        r"triangles, so the altitude is $\frac{\sqrt{3}}{2}$ times the side $s$. Thus "
        r"$\frac{\sqrt{3}}{2}s = 3$, so $s = \frac{6}{\sqrt{3}} = \boxed{2\sqrt{3}}$.",
        ref="2√3",
        work=[
            r"The altitude of an equilateral triangle with side $s$ is $\frac{\sqrt{3}}{2}s$.",
            r"Setting $\frac{\sqrt{3}}{2}s = 3$ and solving for $s$:",
        ],
        cases=[
            ok("brace-less", r"2 \sqrt 3"),
            ok("radical", r"\sqrt{12}"),
            ok("radical", r"\frac{6}{\sqrt{3}}"),
            bad("radical", r"\sqrt{3}"),
            bad("radical", r"3\sqrt{2}"),
        ],
    ),
    item(
        q=r"Solve $2x - 1 \le 5$. Express your answer in interval notation.",
        gold=r"Adding $1$ to both sides gives $2x \le 6$, so $x \le 3$. In interval notation "
        r"this is $\boxed{(-\infty, 3]}$.",
        ref="(-∞, 3]",
        work=[r"Add $1$ to both sides: $2x \le 6$.", r"Divide both sides by $2$."],
        cases=[
            ok("left-right", r"\left(-\infty, 3\right]"),
            ok("whitespace", r"(-\infty,3]"),
            ok("unicode", "(-∞, 3]"),
            bad("interval-closure", r"(-\infty, 3)"),
            bad("interval-direction", r"[3, \infty)"),
        ],
    ),
    item(
        q="Solve the system $x + y = 1$, $x - y = 3$. Enter your answer as an ordered pair "
        "$(x, y)$.",
        gold=r"Adding the equations gives $2x = 4$, so $x = 2$. Then $y = 1 - x = -1$. The "
        r"solution is $\boxed{(2,-1)}$.",
        ref="(2, -1)",
        work=[
            r"Adding the two equations gives $2x = 4$.",
            r"Then substitute into $x + y = 1$ to find $y$.",
        ],
        cases=[
            ok("whitespace", "(2, -1)"),
            ok("left-right", r"\left( 2, -1 \right)"),
            bad("tuple-order", "(-1, 2)"),
            bad("sign", "(2, 1)"),
        ],
    ),
    item(
        q=r"Compute $\begin{pmatrix} 3 \\ -1 \end{pmatrix} + \begin{pmatrix} -2 \\ 3 "
        r"\end{pmatrix}$.",
        gold=r"We add componentwise: $\begin{pmatrix} 3 + (-2) \\ -1 + 3 \end{pmatrix} = "
        r"\boxed{\begin{pmatrix} 1 \\ 2 \end{pmatrix}}$.",
        ref="the column vector (1, 2)",
        work=[
            "Add the vectors componentwise.",
            r"The top entry is $3 + (-2)$ and the bottom entry is $-1 + 3$.",
        ],
        cases=[
            ok("matrix-spacing", r"\begin{pmatrix}1\\2\end{pmatrix}"),
            ok("matrix-brackets", r"\begin{bmatrix} 1 \\ 2 \end{bmatrix}"),
            bad("tuple-order", r"\begin{pmatrix} 2 \\ 1 \end{pmatrix}"),
            bad("sign", r"\begin{pmatrix} 1 \\ -2 \end{pmatrix}"),
        ],
    ),
    item(
        q=r"In triangle $ABC$, $\angle A = 90^\circ$ and $\angle B = 60^\circ$. What is the "
        r"measure of $\angle C$?",
        gold=r"The angles of a triangle sum to $180^\circ$, so $\angle C = 180^\circ - 90^\circ "
        r"- 60^\circ = \boxed{30^\circ}$.",
        ref="30°",
        work=[r"The angles of a triangle add up to $180^\circ$.", "Subtract the two known angles."],
        cases=[
            ok("degree", "30"),
            ok("degree", r"30^{\circ}"),
            ok("degree", "30°"),
            bad("complement", r"60^\circ"),
            bad("supplement", r"150^\circ"),
        ],
    ),
    item(
        q="Is $f(x) = x^3 + x$ an odd function, even function, or neither? Enter 'odd', "
        "'even', or 'neither'.",
        gold=r"We have $f(-x) = (-x)^3 + (-x) = -x^3 - x = -f(x)$, so $f$ is "
        r"$\boxed{\text{odd}}$.",
        ref="odd",
        work=[r"Compute $f(-x) = (-x)^3 + (-x) = -x^3 - x$.", r"This equals $-f(x)$."],
        cases=[
            ok("text-wrap", "odd"),
            ok("text-case", r"\text{Odd}"),
            ok("text-wrap", r"\textbf{odd}"),
            bad("wrong-text", r"\text{even}"),
            bad("wrong-text", "neither"),
        ],
    ),
    item(
        q=r"Compute $\sin 60^\circ$.",
        gold=r"The point on the unit circle at $60^\circ$ is $\left(\frac{1}{2}, "
        r"\frac{\sqrt{3}}{2}\right)$, so $\sin 60^\circ = \boxed{\frac{\sqrt{3}}{2}}$.",
        ref="√3/2",
        work=[
            r"Use the $30^\circ$-$60^\circ$-$90^\circ$ triangle with hypotenuse $2$.",
            r"The side opposite the $60^\circ$ angle has length $\sqrt{3}$.",
        ],
        cases=[
            ok("coefficient-form", r"\frac{1}{2}\sqrt{3}"),
            ok("frac-slash", r"\sqrt{3}/2"),
            ok("dfrac", r"\dfrac{\sqrt3}{2}"),
            bad("trig-value", r"\frac{1}{2}"),
            bad("trig-value", r"\frac{\sqrt{2}}{2}"),
        ],
    ),
    item(
        q="Express $11_{10}$ in base $2$.",
        gold=r"We have $11 = 8 + 2 + 1 = 1\cdot 2^3 + 0\cdot 2^2 + 1\cdot 2^1 + 1\cdot 2^0$, so "
        r"$11_{10} = \boxed{1011_2}$.",
        ref="1011_2",
        work=[
            r"Write $11$ as a sum of powers of $2$: $11 = 8 + 2 + 1$.",
            r"This fixes the binary digits from $2^3$ down to $2^0$.",
        ],
        cases=[
            ok("base-subscript", r"1011_{2}"),
            ok("identical", "1011_2"),
            bad("transposed-digits", "1101_2"),
            bad("off-by-one", "1010_2"),
        ],
    ),
    item(
        q="A jar has $20$ marbles, $5$ of which are red. What percent of the marbles are red?",
        gold=r"The fraction of red marbles is $\frac{5}{20} = \frac{1}{4}$, which is "
        r"$\boxed{25\%}$.",
        ref="25%",
        work=[r"The fraction of red marbles is $\frac{5}{20}$.", "Convert this to a percent."],
        cases=[
            ok("percent-sign", "25"),
            ok("percent-sign", "25%", style="colon"),
            ok("whitespace", r"25 \%"),
            bad("complement", r"75\%"),
            bad("wrong-denominator", r"20\%"),
        ],
    ),
    item(
        q=r"Evaluate $3 - 2 \cdot 5$.",
        gold=r"By the order of operations, $3 - 2\cdot 5 = 3 - 10 = \boxed{-7}$.",
        ref="-7",
        work=[r"Multiplication comes first: $2 \cdot 5 = 10$."],
        cases=[
            ok("identical", "-7"),
            ok("trailing-zeros", "-7.0"),
            bad("sign", "7"),
            bad("order-of-operations", "5"),
            bad_tail("truncated-boxed", r"So the value is $3 - 10 = \boxed{-"),
        ],
    ),
    item(
        q="If $2x + 3 = 11$, what is $x^2$?",
        gold=r"Subtracting $3$ gives $2x = 8$, so $x = \boxed{4}$. Therefore $x^2 = \boxed{16}$.",
        ref="16",
        work=[
            r"Subtract $3$ from both sides: $2x = 8$.",
            r"Divide by $2$ to find $x$, then square it.",
        ],
        cases=[
            ok("identical", "16"),
            ok("var-assign", "x^2 = 16"),
            bad("intermediate-value", "4"),
            bad("off-by-one", "15"),
            bad_tail(
                "correct-mid-reasoning",
                r"So $x = 4$ and $x^2 = 16$." + "\n"
                r"The question is about $x$, so the answer is $\boxed{4}$.",
            ),
        ],
    ),
    item(
        q="What is the length of the diagonal of a square with side length $1$?",
        gold=r"By the Pythagorean theorem the diagonal has length $\sqrt{1^2 + 1^2} = "
        r"\boxed{\sqrt{2}}$.",
        ref="√2",
        work=["The diagonal is the hypotenuse of a right triangle with legs $1$ and $1$."],
        cases=[
            ok("brace-less", r"\sqrt2"),
            ok("radical", r"2^{1/2}"),
            ok("unicode", "√2"),
            bad("radical", "2"),
            bad("radical", r"\sqrt{3}"),
        ],
    ),
    item(
        q="A rope of length $7$ is cut into two equal pieces. How long is each piece?",
        gold=r"Each piece has length $7 \div 2 = \boxed{\frac{7}{2}}$.",
        ref="7/2",
        work=[r"Split the length $7$ into $2$ equal parts."],
        cases=[
            ok("frac-decimal", "3.5"),
            ok("frac-slash", "7/2"),
            ok("brace-less", r"\frac72"),
            bad("inverted-fraction", r"\frac{2}{7}"),
            bad("off-by-one", r"\frac{5}{2}"),
        ],
    ),
    item(
        q="What is the sum of the roots of $2x^2 + 5x - 3 = 0$?",
        gold=r"By Vieta's formulas, the sum of the roots is $-\frac{b}{a} = \boxed{-\frac{5}{2}}$.",
        ref="-5/2",
        work=[
            r"For $ax^2 + bx + c = 0$ the sum of the roots is $-\frac{b}{a}$.",
            r"Here $a = 2$ and $b = 5$.",
        ],
        cases=[
            ok("frac-decimal", "-2.5"),
            ok("neg-fraction", r"\frac{-5}{2}"),
            ok("frac-slash", "-5/2"),
            bad("sign", r"\frac{5}{2}"),
            bad("inverted-fraction", r"-\frac{2}{5}"),
        ],
    ),
    item(
        q="Two fair dice are rolled. What is the probability that the sum is $8$?",
        gold=r"The pairs with sum $8$ are $(2,6)$, $(3,5)$, $(4,4)$, $(5,3)$, and $(6,2)$. "
        r"There are $36$ equally likely outcomes, so the probability is "
        r"$\boxed{\frac{5}{36}}$.",
        ref="5/36",
        work=[
            r"There are $6 \times 6 = 36$ equally likely outcomes.",
            r"Count the ordered pairs whose sum is $8$.",
        ],
        cases=[
            ok("frac-slash", "5/36"),
            ok("dfrac", r"\dfrac{5}{36}"),
            bad("off-by-one", r"\frac{6}{36}"),
            bad("inverted-fraction", r"\frac{36}{5}"),
        ],
    ),
    item(
        q="Find the midpoint of the segment joining $(0, 2, 4)$ and $(2, 2, 2)$.",
        gold=r"The midpoint is $\left(\frac{0+2}{2}, \frac{2+2}{2}, \frac{4+2}{2}\right) = "
        r"\boxed{(1,2,3)}$.",
        ref="(1, 2, 3)",
        work=["Average the coordinates one at a time."],
        cases=[
            ok("whitespace", "(1, 2, 3)"),
            ok("left-right", r"\left(1, 2, 3\right)"),
            bad("tuple-order", "(3, 2, 1)"),
            bad("missing-element", "(1, 2)"),
        ],
    ),
    item(
        q=r"Compute $\cos 45^\circ$.",
        gold=r"The point on the unit circle at $45^\circ$ is $\left(\frac{\sqrt{2}}{2}, "
        r"\frac{\sqrt{2}}{2}\right)$, so $\cos 45^\circ = \boxed{\frac{\sqrt{2}}{2}}$.",
        ref="√2/2",
        work=[
            r"In a $45^\circ$-$45^\circ$-$90^\circ$ triangle with legs $1$, the hypotenuse is "
            r"$\sqrt{2}$."
        ],
        cases=[
            ok("brace-less", r"\frac{\sqrt2}{2}"),
            ok("frac-slash", r"\sqrt{2}/2"),
            ok("radical", r"\frac{1}{\sqrt{2}}"),
            bad("trig-value", r"\frac{\sqrt{3}}{2}"),
            bad("radical", r"\sqrt{2}"),
        ],
    ),
    item(
        q="Expand $(x-2)(x+2)$.",
        gold=r"This is a difference of squares: $(x-2)(x+2) = \boxed{x^2-4}$.",
        ref="x^2 - 4",
        work=[r"Use the difference of squares formula $(a-b)(a+b) = a^2 - b^2$."],
        cases=[
            ok("whitespace", "x^2 - 4"),
            ok("term-order", "-4 + x^2"),
            bad("sign", "x^2+4"),
            bad("constant-term", "x^2-2"),
        ],
    ),
    item(
        q=r"What is $1 + 2 + 3 + \cdots + 100$?",
        gold=r"Pairing the first and last terms, the sum is $\frac{100 \cdot 101}{2} = "
        r"\boxed{5050}$.",
        ref="5050",
        work=[r"Use the formula $\frac{n(n+1)}{2}$ with $n = 100$."],
        cases=[
            ok("latex-thousands", r"5{,}050"),
            ok("thousands-sep", "5,050"),
            ok("identical", "5050"),
            bad("off-by-one", "4950"),
            bad("factor-of-two", "10100"),
        ],
    ),
    item(
        q="Find the equation of the circle with center $(1, -2)$ and radius $3$.",
        gold=r"A circle with center $(h, k)$ and radius $r$ has equation $(x-h)^2 + (y-k)^2 = "
        r"r^2$, so the equation is $\boxed{(x-1)^2+(y+2)^2=9}$.",
        ref="(x - 1)^2 + (y + 2)^2 = 9",
        work=[
            r"The standard form is $(x-h)^2 + (y-k)^2 = r^2$.",
            r"Here $h = 1$, $k = -2$, and $r = 3$.",
        ],
        cases=[
            ok("term-order", "(y+2)^2+(x-1)^2=9"),
            ok("whitespace", "(x - 1)^2 + (y + 2)^2 = 9"),
            bad("radius-not-squared", "(x-1)^2+(y+2)^2=3"),
            bad("sign", "(x+1)^2+(y-2)^2=9"),
        ],
    ),
    item(
        q="Find the area of a triangle with base $5$ and height $3$.",
        gold=r"The area is $\frac{1}{2} \cdot 5 \cdot 3 = \boxed{\frac{15}{2}}$.",
        ref="15/2",
        work=[r"The area of a triangle is $\frac{1}{2}bh$.", r"Here $b = 5$ and $h = 3$."],
        cases=[
            ok("frac-decimal", "7.5"),
            ok("frac-slash", "15/2"),
            ok("units", r"\frac{15}{2} \text{ square units}"),
            bad("factor-of-two", "15"),
            bad("inverted-fraction", r"\frac{2}{15}"),
        ],
    ),
    item(
        q="Find the slope of the line $x + 3y = 6$.",
        gold=r"Solving for $y$ gives $y = -\frac{1}{3}x + 2$, so the slope is "
        r"$\boxed{-\frac{1}{3}}$.",
        ref="-1/3",
        work=[r"Solve for $y$: $3y = -x + 6$.", r"Divide both sides by $3$."],
        cases=[
            ok("neg-fraction", r"\frac{-1}{3}"),
            ok("frac-slash", "-1/3"),
            ok("dfrac", r"-\dfrac{1}{3}"),
            bad("sign", r"\frac{1}{3}"),
            bad("inverted-fraction", "-3"),
        ],
    ),
    item(
        q="Today is Monday. What day of the week will it be $100$ days from today?",
        gold=r"Since $100 = 7 \cdot 14 + 2$, it will be $2$ days after Monday, which is "
        r"$\boxed{\text{Wednesday}}$.",
        ref="Wednesday",
        work=[r"Days of the week repeat every $7$ days.", r"$100 = 7 \cdot 14 + 2$."],
        cases=[
            ok("text-wrap", "Wednesday"),
            ok("text-case", r"\text{wednesday}"),
            bad("wrong-text", r"\text{Tuesday}"),
            bad("wrong-text", "Thursday", style="colon"),
        ],
    ),
]

MATH_OAI = [
    item(
        q="Three of the four congruent quarters of a square are shaded. What fraction of the "
        "square is shaded?",
        gold=r"The square is divided into $4$ congruent pieces, and $3$ of them are shaded, so "
        r"the shaded fraction is $\boxed{\dfrac{3}{4}}$.",
        ref="3/4",
        work=[r"The square is cut into $4$ congruent pieces.", "Three of the pieces are shaded."],
        cases=[
            ok("dfrac", r"\frac{3}{4}"),
            ok("frac-decimal", "0.75"),
            ok("frac-slash", "3/4"),
            bad("inverted-fraction", r"\frac{4}{3}"),
            bad("complement", r"\frac{1}{4}"),
        ],
    ),
    item(
        q=r"What is the area of a circle with radius $3$? Express your answer in terms of $\pi$.",
        gold=r"The area is $\pi r^2 = \pi \cdot 3^2 = \boxed{9\pi}$.",
        ref="9π",
        work=[r"The area of a circle is $\pi r^2$.", r"Here $r = 3$."],
        cases=[
            ok("whitespace", r"9 \pi"),
            ok("unicode", "9π"),
            ok("identical", r"9\pi"),
            bad("wrong-quantity", r"6\pi"),
            bad("dropped-pi", "9"),
        ],
    ),
    item(
        q=r"Find the domain of $f(x) = \frac{\sqrt{x-2}}{\sqrt{5-x}}$.",
        gold=r"The numerator requires $x - 2 \ge 0$, so $x \ge 2$. The denominator requires "
        r"$5 - x > 0$, so $x < 5$. Hence the domain is $\boxed{[2,5)}$.",
        ref="[2, 5)",
        work=[
            r"We need $x - 2 \ge 0$, so $x \ge 2$.",
            r"We need $5 - x > 0$ because the root is in the denominator, so $x < 5$.",
        ],
        cases=[
            ok("whitespace", "[2, 5)"),
            ok("left-right", r"\left[2,5\right)"),
            bad("interval-closure", "(2,5]"),
            bad("interval-closure", "[2,5]"),
        ],
    ),
    item(
        q="Find all solutions to $x^2 - 3x + 2 = 0$. Enter the solutions separated by commas.",
        gold=r"The quadratic factors as $(x-1)(x-2) = 0$, so the solutions are $\boxed{1, 2}$.",
        ref="1, 2",
        work=[
            r"We look for two numbers whose product is $2$ and whose sum is $3$.",
            "The quadratic factors accordingly.",
        ],
        cases=[
            ok("set-order", "2, 1"),
            ok("set-braces", r"\{1, 2\}"),
            ok("set-order", r"\{2,1\}"),
            bad("missing-element", "1"),
            bad("sign", "-1, -2"),
        ],
    ),
    item(
        q=r"Let $A = \begin{pmatrix} 1 & 0 \\ 1 & 2 \end{pmatrix}$ and $B = \begin{pmatrix} 1 & "
        r"0 \\ 0 & 1 \end{pmatrix}$. Compute $A + B$.",
        gold=r"Adding entry by entry, $A + B = \boxed{\begin{pmatrix} 2 & 0 \\ 1 & 3 "
        r"\end{pmatrix}}$.",
        ref="[[2, 0], [1, 3]]",
        work=["Add the matrices entry by entry.", r"The diagonal entries each increase by $1$."],
        cases=[
            ok("matrix-spacing", r"\begin{pmatrix}2&0\\1&3\end{pmatrix}"),
            ok("matrix-spacing", r"\begin{pmatrix} 2 & 0 \\ 1 & 3 \\ \end{pmatrix}"),
            bad("transposed-matrix", r"\begin{pmatrix} 2 & 1 \\ 0 & 3 \end{pmatrix}"),
            bad("off-by-one", r"\begin{pmatrix} 2 & 0 \\ 1 & 2 \end{pmatrix}"),
        ],
    ),
    item(
        q=r"Which is the largest? (A) $0.3$ (B) $\frac{1}{4}$ (C) $\frac{2}{5}$ (D) $0.35$ "
        r"(E) $\frac{1}{3}$",
        gold=r"Converting to decimals, the choices are $0.3$, $0.25$, $0.4$, $0.35$, and "
        r"$0.\overline{3}$. The largest is $0.4$, which is choice $\boxed{\text{(C)}}$.",
        ref="(C)",
        work=[
            r"Convert each choice to a decimal: $0.3$, $0.25$, $0.4$, $0.35$, $0.333\ldots$",
            r"The largest of these is $0.4$.",
        ],
        cases=[
            ok("choice-letter", "(C)"),
            ok("choice-letter", "C"),
            ok("text-wrap", r"\text{C}"),
            bad("wrong-choice", r"\text{(D)}"),
            bad("wrong-choice", "(B)"),
        ],
    ),
    item(
        q="Find the monic quadratic polynomial $p(x)$ whose only root is $x = -1$.",
        gold=r"Since $-1$ is a double root and $p$ is monic, $p(x) = (x+1)^2 = "
        r"\boxed{x^2+2x+1}$.",
        ref="x^2 + 2x + 1",
        work=[
            r"A quadratic whose only root is $-1$ has $-1$ as a double root.",
            r"Since $p$ is monic, it is the square of the linear factor for that root.",
        ],
        cases=[
            ok("algebraic", "(x+1)^2"),
            ok("term-order", "1 + 2x + x^2"),
            ok("whitespace", "x^2 + 2x + 1"),
            bad("constant-term", "x^2+2x"),
            bad("sign", "x^2-2x+1"),
        ],
    ),
    item(
        q="Find the equation of the line with slope $2$ and $y$-intercept $3$.",
        gold=r"In slope-intercept form $y = mx + b$ we have $m = 2$ and $b = 3$, so the line is "
        r"$\boxed{y = 2x + 3}$.",
        ref="y = 2x + 3",
        work=[r"Slope-intercept form is $y = mx + b$.", r"Here $m = 2$ and $b = 3$."],
        cases=[
            ok("whitespace", "y=2x+3"),
            ok("term-order", "y = 3 + 2x"),
            bad("sign", "y = 2x - 3"),
            bad("swapped-coefficients", "y = 3x + 2"),
        ],
    ),
    item(
        q=r"A sandwich costs $\$4.50$, a drink costs $\$1.80$, and a salad costs $\$12.60$. "
        "What is the total cost?",
        gold=r"The total is $\$4.50 + \$1.80 + \$12.60 = \boxed{\$18.90}$.",
        ref="$18.90",
        work=[r"Add the three prices: $4.50 + 1.80 + 12.60$."],
        cases=[
            ok("currency", "18.90"),
            ok("trailing-zeros", r"\$18.9"),
            ok("currency", "18.9"),
            bad("transposed-digits", r"\$18.09"),
            bad("off-by-one", r"\$19.90"),
        ],
    ),
    item(
        q=r"What is $25 \times 400$?",
        gold=r"We have $25 \times 400 = 25 \times 4 \times 100 = 100 \times 100 = "
        r"\boxed{10{,}000}$.",
        ref="10000",
        work=[r"Note that $25 \times 4 = 100$.", r"So $25 \times 400 = 100 \times 100$."],
        cases=[
            ok("latex-thousands", "10000"),
            ok("latex-thousands", "10,000"),
            ok("latex-thousands", r"10\,000"),
            bad("decimal-shift", "1000"),
            bad("decimal-shift", r"100{,}000"),
        ],
    ),
    item(
        q=r"Compute $(2.5 \cdot 10^2)(2 \cdot 10^1)$.",
        gold=r"Multiplying, $(2.5 \cdot 10^2)(2 \cdot 10^1) = (2.5 \cdot 2) \cdot 10^{2+1} = "
        r"\boxed{5\cdot 10^3}$.",
        ref="5000",
        work=[r"Multiply the coefficients: $2.5 \cdot 2$.", r"Add the exponents: $10^{2+1}$."],
        cases=[
            ok("sci-notation", "5000"),
            ok("sci-notation", r"5 \times 10^3"),
            ok("latex-thousands", r"5{,}000"),
            bad("exponent", r"5\cdot 10^4"),
            bad("decimal-shift", "500"),
        ],
    ),
    item(
        q=r"Compute $\arccos \frac{1}{2}$. Express your answer in radians.",
        gold=r"Since $\cos \frac{\pi}{3} = \frac{1}{2}$, we have $\arccos \frac{1}{2} = "
        r"\boxed{\frac{\pi}{3}}$.",
        ref="π/3",
        work=[r"We need the angle in $[0, \pi]$ whose cosine is $\frac{1}{2}$."],
        cases=[
            ok("frac-slash", r"\pi/3"),
            ok("coefficient-form", r"\frac{1}{3}\pi"),
            ok("dfrac", r"\dfrac{\pi}{3}"),
            bad("pi-fraction", r"\frac{\pi}{6}"),
            bad("pi-fraction", r"\frac{2\pi}{3}"),
        ],
    ),
    item(
        q="Solve $3x - 5 = 31$.",
        gold=r"Adding $5$ to both sides gives $3x = 36$, so $x = \boxed{12}$.",
        ref="12",
        work=[r"Add $5$ to both sides: $3x = 36$.", r"Divide both sides by $3$."],
        cases=[
            ok("var-assign", "x=12"),
            ok("var-assign", "x = 12"),
            ok("identical", "12"),
            bad("off-by-one", "x = 13"),
            bad("transposed-digits", "21"),
        ],
    ),
    item(
        q="Compute $(2 - i)^2$.",
        gold=r"Expanding, $(2-i)^2 = 4 - 4i + i^2 = 4 - 4i - 1 = \boxed{3-4i}$.",
        ref="3 - 4i",
        work=[r"Expand: $(2 - i)^2 = 4 - 4i + i^2$.", r"Use $i^2 = -1$."],
        cases=[
            ok("whitespace", "3 - 4i"),
            ok("term-order", "-4i + 3"),
            bad("sign", "3+4i"),
            bad("constant-term", "5-4i"),
        ],
    ),
    item(
        q="How many positive divisors does $12$ have?",
        gold=r"The positive divisors of $12$ are $1, 2, 3, 4, 6, 12$, so there are $\boxed{6}$ "
        r"of them.",
        ref="6",
        work=[r"Since $12 = 2^2 \cdot 3$, the number of divisors is $(2+1)(1+1)$."],
        cases=[
            ok("identical", "6"),
            ok("units", r"6 \text{ divisors}"),
            bad("off-by-one", "5"),
            bad("wrong-quantity", "28"),
            bad_tail("no-answer", r"Listing them in pairs: $1 \times 12$, $2 \times"),
        ],
    ),
    item(
        q="What is the measure, in degrees, of each interior angle of a regular hexagon?",
        gold=r"The interior angles of a hexagon sum to $180(6-2) = 720$ degrees, so each angle "
        r"measures $\frac{720}{6} = \boxed{120}$ degrees.",
        ref="120",
        work=[
            r"The interior angles of a hexagon add up to $180(6-2) = 720$ degrees.",
            "All six angles are equal.",
        ],
        cases=[
            ok("degree", r"120^\circ"),
            ok("degree", "120°"),
            ok("identical", "120"),
            bad("wrong-quantity", r"60^\circ"),
            bad("wrong-quantity", "720"),
        ],
    ),
    item(
        q="Solve $x^2 > 1$. Express your answer in interval notation.",
        gold=r"We have $x^2 > 1$ exactly when $|x| > 1$, that is, when $x < -1$ or $x > 1$. So "
        r"the solution is $\boxed{(-\infty,-1)\cup(1,\infty)}$.",
        ref="(-∞, -1) ∪ (1, ∞)",
        work=[r"$x^2 > 1$ means $|x| > 1$.", r"So $x < -1$ or $x > 1$."],
        cases=[
            ok("whitespace", r"(-\infty, -1) \cup (1, \infty)"),
            ok("union-order", r"(1, \infty) \cup (-\infty, -1)"),
            bad("complement", "(-1, 1)"),
            bad("interval-closure", r"(-\infty,-1]\cup[1,\infty)"),
        ],
    ),
    item(
        q="What is the remainder when $2^{10}$ is divided by $7$?",
        gold=r"Since $2^3 = 8 \equiv 1 \pmod 7$, we get $2^{10} = (2^3)^3 \cdot 2 \equiv 2 "
        r"\pmod 7$. The remainder is $\boxed{2}$.",
        ref="2",
        work=[r"Note that $2^3 = 8 \equiv 1 \pmod 7$.", r"Write $2^{10} = (2^3)^3 \cdot 2^1$."],
        cases=[
            ok("identical", "2"),
            ok("identical", "2", style="is"),
            bad("off-by-one", "1"),
            bad("off-by-one", "3"),
            bad_tail(
                "correct-mid-reasoning",
                r"So $2^{10} \equiv 2 \pmod 7$." + "\n"
                r"Since $2^{10} = 1024$, the remainder is $1024 - 7 \cdot 145 = \boxed{9}$.",
            ),
        ],
    ),
    item(
        q="What is the least common multiple of $12$ and $18$?",
        gold=r"We have $12 = 2^2 \cdot 3$ and $18 = 2 \cdot 3^2$, so the least common multiple "
        r"is $2^2 \cdot 3^2 = \boxed{36}$.",
        ref="36",
        work=[
            r"Factor: $12 = 2^2 \cdot 3$ and $18 = 2 \cdot 3^2$.",
            "Take the highest power of each prime.",
        ],
        cases=[
            ok("identical", "36"),
            ok("trailing-zeros", "36.0"),
            bad("transposed-digits", "63"),
            bad("wrong-quantity", "6"),
        ],
    ),
    item(
        q="What is the maximum value of $-x^2 + 3x$?",
        gold=r"Completing the square, $-x^2 + 3x = -\left(x - \frac{3}{2}\right)^2 + "
        r"\frac{9}{4}$, so the maximum value is $\boxed{\frac{9}{4}}$.",
        ref="9/4",
        work=[
            r"The vertex of the parabola is at $x = -\frac{3}{2 \cdot (-1)} = \frac{3}{2}$.",
            r"Substitute $x = \frac{3}{2}$ into $-x^2 + 3x$.",
        ],
        cases=[
            ok("frac-decimal", "2.25"),
            ok("frac-slash", "9/4"),
            bad("intermediate-value", r"\frac{3}{2}"),
            bad("inverted-fraction", r"\frac{4}{9}"),
        ],
    ),
    item(
        q=r"Evaluate $\log_2 8$.",
        gold=r"Since $2^3 = 8$, $\log_2 8 = \boxed{3}$.",
        ref="3",
        work=[r"We need the power of $2$ that equals $8$."],
        cases=[
            ok("identical", "3"),
            ok("var-assign", r"\log_2 8 = 3"),
            bad("inverted-fraction", r"\frac{1}{3}"),
            bad_tail(
                "no-answer",
                r"Powers of $2$ are $2, 4,$ and so on; I cannot determine the exponent without a "
                "calculator.",
            ),
        ],
    ),
    item(
        q="Find the distance between $(1, 2)$ and $(3, 6)$.",
        gold=r"The distance is $\sqrt{(3-1)^2 + (6-2)^2} = \sqrt{4 + 16} = \sqrt{20} = "
        r"\boxed{2\sqrt{5}}$.",
        ref="2√5",
        work=[
            r"Use the distance formula: $\sqrt{(3-1)^2 + (6-2)^2}$.",
            r"This is $\sqrt{4 + 16}$.",
        ],
        cases=[
            ok("radical", r"\sqrt{20}"),
            ok("whitespace", r"2 \sqrt{5}"),
            bad("missing-sqrt", "20"),
            bad("radical", r"\sqrt{5}"),
        ],
    ),
    item(
        q=r"Find the domain of $f(x) = \ln(x - 3)$.",
        gold=r"The logarithm is defined only for positive arguments, so we need $x - 3 > 0$, that "
        r"is, $x > 3$. The domain is $\boxed{(3,\infty)}$.",
        ref="(3, ∞)",
        work=[r"The natural logarithm needs a positive argument: $x - 3 > 0$."],
        cases=[
            ok("left-right", r"\left(3, \infty\right)"),
            ok("plus-infinity", r"(3, +\infty)"),
            bad("interval-closure", r"[3,\infty)"),
            bad("off-by-one", r"(4, \infty)"),
        ],
    ),
    item(
        q=r"Let $A = \{1, 2, 3\}$ and $B = \{2, 3, 4\}$. Find $A \cap B$.",
        gold=r"The elements common to both sets are $2$ and $3$, so $A \cap B = "
        r"\boxed{\{2,3\}}$.",
        ref="{2, 3}",
        work=[r"Check which elements of $A$ are also elements of $B$."],
        cases=[
            ok("set-order", r"\{3, 2\}"),
            ok("left-right", r"\left\{2, 3\right\}"),
            bad("missing-element", r"\{2\}"),
            bad("extra-element", r"\{1, 2, 3, 4\}"),
        ],
    ),
]

TABLES = {
    "gsm8k": GSM8K,
    "math": MATH,
    "math-oai": MATH_OAI,
    "svamp": SVAMP,
    "asdiv": ASDIV,
    "mawps": MAWPS,
    "carp_en": CARP_EN,
}

# --------------------------------------------------------------------------- rendering


def _category(bench, form):
    if bench not in NUMERIC:
        return "tex"
    if "\\" in form:
        return "latex"
    return "bare" if BARE.fullmatch(form) else "wordy"


def _prediction(bench, it, case, counters):
    if case["tail"] is not None:
        return "\n".join([*it["work"], case["tail"]])
    style = case["style"]
    if style is None:
        cat = _category(bench, case["form"])
        i = counters.get((bench, cat), 0)
        counters[(bench, cat)] = i + 1
        style = ROTATIONS[cat][i % len(ROTATIONS[cat])]
    if style == "say":
        final = it["say"].format(case["form"])
    else:
        final = STYLES[style].replace("{a}", case["form"])
    return "\n".join([*it["work"], final])


def build_rows():
    rows, counters = [], {}
    for bench, table in TABLES.items():
        n = 0
        for it in table:
            for case in it["cases"]:
                n += 1
                rows.append(
                    {
                        "id": f"{bench}-{n:04d}",
                        "benchmark": bench,
                        "prediction": _prediction(bench, it, case, counters),
                        "gold": it["gold"],
                        "label": case["label"],
                        "kind": case["kind"],
                        "reference": it["ref"],
                    }
                )
    return rows


# --------------------------------------------------------------------------- self-checks
# Consistency checks of the tables themselves (arithmetic in the gold fields, numeric
# value of each answer form on the numeric benchmarks). They check the construction;
# they are not a grader and never decide a label.


def _calc(expr):
    """Exact value of a +-*/ expression of decimal literals (GSM8K <<...>> annotations)."""

    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            return Fraction(str(node.value))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        if isinstance(node, ast.BinOp):
            a, b = ev(node.left), ev(node.right)
            ops = {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b}
            return ops[type(node.op)] if type(node.op) in ops else a / b
        raise ValueError(expr)

    return ev(ast.parse(expr, mode="eval"))


NUM_TOKEN = re.compile(r"-?(?:\d[\d,]*(?:\.\d+)?|\.\d+)")


def _value(form):
    """Leading numeric value of a plain answer form ('3/4 of the pie', '$1,200', '2 1/2')."""
    s = form.replace(",", "").replace("$", "").replace("\\%", "").replace("%", "")
    s = re.sub(r"\\text\{[^}]*\}", "", s).strip()
    m = re.fullmatch(r"(-?)\\frac\{(\d+)\}\{(\d+)\}", s)
    if m:
        return Fraction(int(m.group(2)), int(m.group(3))) * (-1 if m.group(1) else 1)
    m = re.match(r"(-?\d+)\s+(?:and\s+)?(\d+)/(\d+)", s)
    if m:
        return int(m.group(1)) + Fraction(int(m.group(2)), int(m.group(3)))
    m = re.match(r"(-?(?:\d+(?:\.\d*)?|\.\d+))(?:\s*/\s*(\d+))?", s)
    if m:
        return Fraction(m.group(1)) / (int(m.group(2)) if m.group(2) else 1)
    return None


def _numbers(text):
    return {Fraction(t.replace(",", "")) for t in NUM_TOKEN.findall(text) if t not in "-."}


def check(rows):
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for bench, table in TABLES.items():
        for it in table:
            ref, gold = it["ref"], it["gold"]
            for case in it["cases"]:
                assert case["kind"] in KINDS, case["kind"]
            if bench == "gsm8k":
                for expr, val in re.findall(r"<<([^=>]+)=([^>]+)>>", gold):
                    assert _calc(expr) == Fraction(val), (expr, val)
                assert Fraction(gold.rsplit("#### ", 1)[1]) == Fraction(ref)
            elif bench in ("svamp", "mawps"):
                assert isinstance(gold, float) and Fraction(str(gold)) == Fraction(ref)
            elif bench == "asdiv":
                assert gold.split(" (")[0] == ref
            else:
                assert isinstance(gold, str) and gold.count("{") == gold.count("}")
                if bench != "carp_en":
                    assert "\\boxed{" in gold
            if bench not in NUMERIC:
                continue
            # The shared reasoning lines never state the reference answer ...
            target = Fraction(ref)
            assert target not in _numbers(" ".join(it["work"])), (bench, ref)
            for case in it["cases"]:
                if case["tail"] is not None:
                    # ... and a tail states it only where that is the point of the case.
                    mid = case["kind"] == "near-miss/correct-mid-reasoning"
                    assert (target in _numbers(case["tail"])) == mid, (bench, ref, case)
                    continue
                value = _value(case["form"])
                assert value is not None, case
                assert (value == target) == case["label"], (bench, ref, case["form"])
    assert {r["kind"] for r in rows} == set(KINDS), "KINDS lists exactly the kinds in use"
    true = sum(r["label"] for r in rows)
    assert 0.4 <= true / len(rows) <= 0.6, (true, len(rows))


def main():
    rows = build_rows()
    check(rows)
    with OUT.open("w", encoding="utf-8", newline="\n") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} cases to {OUT}")


if __name__ == "__main__":
    main()
