"""A deterministic generator of one-step addition/subtraction word problems.

The problems are deliberately small and uniform so that a ~1M-parameter model can learn the
solution format in minutes on a CPU. Every draw comes from the caller's `random.Random`, so the
same generator state always yields the same problem.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# (name, subject pronoun, possessive pronoun, object pronoun)
_PEOPLE: tuple[tuple[str, str, str, str], ...] = (
    ("Mia", "She", "her", "her"),
    ("Leo", "He", "his", "him"),
    ("Ava", "She", "her", "her"),
    ("Sam", "He", "his", "him"),
    ("Zoe", "She", "her", "her"),
    ("Ben", "He", "his", "him"),
    ("Lily", "She", "her", "her"),
    ("Omar", "He", "his", "him"),
    ("Nora", "She", "her", "her"),
    ("Max", "He", "his", "him"),
    ("Ruby", "She", "her", "her"),
    ("Eli", "He", "his", "him"),
    ("Ivy", "She", "her", "her"),
    ("Finn", "He", "his", "him"),
    ("Rosa", "She", "her", "her"),
    ("Theo", "He", "his", "him"),
)

# (singular, plural) of countable objects.
_OBJECTS: tuple[tuple[str, str], ...] = (
    ("apple", "apples"),
    ("pencil", "pencils"),
    ("shell", "shells"),
    ("marble", "marbles"),
    ("sticker", "stickers"),
    ("book", "books"),
    ("crayon", "crayons"),
    ("cookie", "cookies"),
    ("balloon", "balloons"),
    ("button", "buttons"),
    ("card", "cards"),
    ("stamp", "stamps"),
    ("toy car", "toy cars"),
    ("ribbon", "ribbons"),
    ("plum", "plums"),
    ("rock", "rocks"),
)

# Body templates. {n}=name, {s}=subject pronoun, {p}/{P}=possessive, {o}=object pronoun,
# {a}/{b}=counted noun phrases such as "7 pencils" or "1 pencil", {bn}=bare number b,
# {obj}=plural noun, {objb}=noun agreeing with b.
_PLUS_BODIES: tuple[str, ...] = (
    "{n} has {a}. {s} gets {bn} more {objb}.",
    "{n} had {a}. {P} friend gave {o} {b}.",
    "{n} has {a}. {s} finds {bn} more {objb}.",
    "{n} has {a} in a box. {s} puts {bn} more {objb} in the box.",
)
_MINUS_BODIES: tuple[str, ...] = (
    "{n} has {a}. {s} gives {b} to {p} brother.",
    "{n} has {a}. {s} loses {b}.",
    "{n} had {a}. {s} gave {b} to a friend.",
    "{n} has {a}. {s} sells {b}.",
)
_PLUS_QUESTIONS: tuple[str, ...] = (
    "How many {obj} does {n} have now?",
    "How many {obj} does {n} have in all?",
)
_MINUS_QUESTIONS: tuple[str, ...] = (
    "How many {obj} does {n} have now?",
    "How many {obj} does {n} have left?",
)


@dataclass(frozen=True)
class WordProblem:
    """One single-step word problem together with its short worked solution."""

    name: str
    obj: str
    a: int
    b: int
    op: str
    body: str
    question: str
    solution: str
    answer: int

    @property
    def text(self) -> str:
        """The full problem statement: body followed by the question."""
        return f"{self.body} {self.question}"

    @property
    def completion(self) -> str:
        """Problem text plus a `## Solution` section, as used for training documents."""
        return f"{self.text}\n\n## Solution\n{self.solution}"

    @property
    def equation(self) -> str:
        """The arithmetic expression that solves the problem, e.g. `7 + 2`."""
        return f"{self.a} {self.op} {self.b}"


def _counted(n: int, singular: str, plural: str) -> str:
    """`n` followed by the noun form that agrees with it."""
    return f"{n} {singular if n == 1 else plural}"


def sample_problem(rng: random.Random) -> WordProblem:
    """Draw one addition or subtraction word problem from `rng`."""
    op = rng.choice(("+", "-"))
    if op == "+":
        a = rng.randint(2, 9)
        b = rng.randint(1, 9)
        answer = a + b
        bodies, questions = _PLUS_BODIES, _PLUS_QUESTIONS
    else:
        a = rng.randint(3, 9)
        b = rng.randint(1, a - 1)
        answer = a - b
        bodies, questions = _MINUS_BODIES, _MINUS_QUESTIONS
    name, subj, poss, objp = rng.choice(_PEOPLE)
    singular, plural = rng.choice(_OBJECTS)
    body_tpl = rng.choice(bodies)
    question_tpl = rng.choice(questions)
    fields = {
        "n": name,
        "s": subj,
        "p": poss,
        "P": poss.capitalize(),
        "o": objp,
        "a": _counted(a, singular, plural),
        "b": _counted(b, singular, plural),
        "bn": str(b),
        "obj": plural,
        "objb": singular if b == 1 else plural,
    }
    body = body_tpl.format(**fields)
    question = question_tpl.format(**fields)
    # Only the numbers are copied from the problem: a 1M-parameter model learns this in minutes.
    solution = f"We compute {a} {op} {b} = {answer}.\nThe answer is {answer}."
    return WordProblem(
        name=name,
        obj=plural,
        a=a,
        b=b,
        op=op,
        body=body,
        question=question,
        solution=solution,
        answer=answer,
    )


def sample_problems(n: int, seed: int) -> list[WordProblem]:
    """Draw `n` problems from a fresh `random.Random(seed)`."""
    rng = random.Random(seed)
    return [sample_problem(rng) for _ in range(n)]
