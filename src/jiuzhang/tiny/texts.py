"""Hand-written math prose for the tiny CPU world.

`TEXTBOOK_DOCS` are short markdown lessons on elementary arithmetic, standing in for the
textbook-like corpus; `WIKI_DOCS` are encyclopedia- and ProofWiki-style entries standing in for a
MathPile sample, with `WIKI_SUBSETS` naming each entry's subset. All text is original.

Two textbook documents are deliberate edge cases for section splitting: one begins with a `## `
header at offset 0 (no title line), and one has no `## ` header at all.
"""

from __future__ import annotations

_COUNTING = """## Counting one by one

When we count a group of things, we touch or point at each thing exactly once and say the \
next number each time. The last number we say tells how many things are in the group.

Suppose a plate holds some grapes. We point and say: one, two, three, four, five. The last \
number was five, so there are 5 grapes on the plate. It does not matter which grape we start \
with. Any order gives the same total, as long as no grape is skipped and none is counted twice.

## Counting on

Counting from one every time is slow. If we already know a group has 6 shells and we add 3 more, \
we can start at 6 and count on: seven, eight, nine. So there are 9 shells.

### A worked example

Ada has 8 buttons in a jar. She drops in 4 more. Start at 8 and count on four steps: nine, ten, \
eleven, twelve. The jar now holds 12 buttons.

## Counting by twos and fives

Pairs of socks, pairs of shoes and the wheels on a bike come in twos. We can count them quickly \
by skipping: 2, 4, 6, 8, 10. Fingers on a hand come in fives: 5, 10, 15, 20. Skip counting is the \
first step toward multiplication.
"""

_ADDITION = """# Adding Small Numbers

Addition puts groups together. The numbers we add are called addends and the result is called \
the sum. We write the plus sign between the addends and the equals sign before the sum.

## Joining two groups

Tom has 4 red blocks and 3 blue blocks. To find how many blocks he has in all, we join the two \
groups and count them together: 4 + 3 = 7. Tom has 7 blocks.

A picture helps. Draw four circles, then three more circles next to them. Count all the circles \
and you get seven.

## Order does not matter

Adding 3 + 4 gives the same sum as 4 + 3. Both are 7. This is useful: it is usually easier to \
start from the bigger number and count on the smaller one. For 2 + 9, think 9 + 2, then count \
on: ten, eleven. So 2 + 9 = 11.

## Making ten

Many facts are easy once we know the pairs that make ten: 1 + 9, 2 + 8, 3 + 7, 4 + 6 and 5 + 5.

### Example

To add 8 + 5, split the 5 into 2 and 3. First 8 + 2 = 10, then 10 + 3 = 13. So 8 + 5 = 13.

### Practice

Try 7 + 6. Split the 6 into 3 and 3. Then 7 + 3 = 10 and 10 + 3 = 13.
"""

_SUBTRACTION = """# Taking Away: Subtraction

Subtraction tells us how many are left when some are removed, or how far apart two numbers are. \
We use the minus sign, and the result is called the difference.

## Take away

Lena has 9 stickers. She gives 4 of them to her cousin. How many stickers does she have left?

We start with 9 and take away 4: 9 - 4 = 5. Lena has 5 stickers left.

A good check is to add back what was taken: 5 + 4 = 9, which is where we started.

## Counting back

For small amounts we can count back from the starting number. To find 11 - 3, start at 11 and \
count back three steps: ten, nine, eight. So 11 - 3 = 8.

## Finding the difference

Sometimes nothing is taken away; we just compare. Raj read 12 pages and Ina read 7 pages. How \
many more pages did Raj read? We find the difference 12 - 7 = 5. Raj read 5 more pages.

### Key words

Phrases such as "how many are left", "how many more" and "how many fewer" often point to \
subtraction. Always read the whole problem, though, because words alone can mislead.
"""

_NUMBER_LINE = """# The Number Line

A number line is a straight line with numbers marked at equal spaces. Smaller numbers sit to the \
left and larger numbers sit to the right. It turns arithmetic into walking.

## Adding on a number line

To add, start at the first number and hop to the right. For 5 + 3, put a finger on 5 and make \
three hops to the right: 6, 7, 8. You land on 8, so 5 + 3 = 8.

## Subtracting on a number line

To subtract, hop to the left. For 10 - 4, start at 10 and make four hops left: 9, 8, 7, 6. You \
land on 6, so 10 - 4 = 6.

### Big hops

Hops do not have to be size one. To find 23 + 20, make two hops of ten: 33, then 43. To find \
50 - 30, make three hops of ten to the left: 40, 30, 20.

## Distance between numbers

The number of hops from one number to another is the distance between them. From 4 to 9 there \
are 5 hops, which matches 9 - 4 = 5. The distance never depends on which end you start from.
"""

_PLACE_VALUE = """# Place Value: Tens and Ones

Our number system uses only ten digits, 0 through 9. The position of a digit tells us how much \
it is worth. This idea is called place value.

## Tens and ones

In the number 47, the digit 4 is in the tens place and the digit 7 is in the ones place. So 47 \
means 4 tens and 7 ones, or 40 + 7.

If you bundle sticks in groups of ten, 47 sticks make 4 full bundles with 7 loose sticks left \
over.

## Hundreds

After 99 comes 100: ten tens make one hundred. In 352 there are 3 hundreds, 5 tens and 2 ones, \
so 352 = 300 + 50 + 2. The same digit can mean very different amounts: the 5 in 352 is worth 50, \
while the 5 in 125 is worth only 5.

### Zero as a placeholder

In 208 the zero shows that there are no tens. Without it we would write 28, which is a very \
different number.

## Comparing with place value

To compare two numbers, look at the biggest place first. 461 is greater than 439 because both \
have 4 hundreds, but 6 tens is more than 3 tens. We only look at the ones place when the \
higher places are equal.
"""

_DOUBLING = """# Doubling and Halving

To double a number means to add it to itself. To halve a number means to split it into two equal \
parts. Doubling and halving undo each other.

## Doubles facts

The doubles are worth learning by heart: 1 + 1 = 2, 2 + 2 = 4, 3 + 3 = 6, 4 + 4 = 8, \
5 + 5 = 10, 6 + 6 = 12, 7 + 7 = 14, 8 + 8 = 16 and 9 + 9 = 18.

### Near doubles

A near double is one more or one less than a double. To add 6 + 7, think of the double 6 + 6 = 12 \
and add one more: 6 + 7 = 13. To add 8 + 7, think 8 + 8 = 16 and take one away: 15.

## Halving

Half of 10 is 5, because 5 + 5 = 10. Half of 16 is 8, because 8 + 8 = 16. When a number is even \
it can be halved into two whole numbers. An odd number such as 9 cannot be split into two equal \
whole groups: one item is always left over.

## A word problem

Kai baked 14 muffins and shared them equally between two plates. Each plate gets half of 14. \
Since 7 + 7 = 14, each plate holds 7 muffins.
"""

_COMPARING = """# Comparing Quantities

Comparing answers the questions "which is more?", "which is less?" and "by how much?".

## More, fewer and the same

Line up two groups so that each item in the first group is matched with one in the second. If \
some items in the first group have no partner, the first group has more. If every item has a \
partner, the groups are the same size.

## Symbols for comparing

We write 8 > 5 to say eight is greater than five, and 3 < 7 to say three is less than seven. \
The open side of the sign faces the larger number. When two amounts are equal we use the equals \
sign, as in 4 + 2 = 6.

## How many more?

Nia has 11 marbles and Jo has 6 marbles. To find how many more marbles Nia has, subtract the \
smaller amount from the larger one: 11 - 6 = 5. Nia has 5 more marbles than Jo. We can also \
say Jo has 5 fewer marbles than Nia.

### Checking by adding

If Jo got 5 more marbles, she would have 6 + 5 = 11, the same as Nia. Adding the difference to \
the smaller amount should always give the larger amount.
"""

_MONEY = """# Counting Money

Coins and bills are a practical place to use addition and subtraction. In this lesson every \
amount is in cents, so we only need whole numbers.

## Adding up coins

A shop sells a pencil for 25 cents and an eraser for 15 cents. Together they cost \
25 + 15 = 40 cents.

When counting a handful of coins, start with the coins worth the most. For two dimes and three \
pennies, count 10, 20, then 21, 22, 23. The total is 23 cents.

## Making change

Omar pays with 50 cents for a card that costs 35 cents. His change is 50 - 35 = 15 cents.

### Counting up

Shopkeepers often find change by counting up from the price. Starting at 35, add 5 to reach 40, \
then add 10 to reach 50. The change is 5 + 10 = 15 cents, the same answer as before.

## Can I afford it?

Mei has 60 cents. A juice costs 45 cents and a cookie costs 20 cents. Both together cost \
45 + 20 = 65 cents. Since 65 is more than 60, she cannot buy both; she is 65 - 60 = 5 cents \
short.
"""

_TIME = """# Telling Time and Elapsed Time

A clock face shows 12 hours. The short hand points to the hour and the long hand points to the \
minutes. There are 60 minutes in one hour.

## Reading the clock

When the long hand points straight up at 12, the time is exactly on the hour, such as 3 o'clock. \
When it points straight down at 6, half an hour has passed, so we say half past three, or 3:30.

## How much time has passed?

A film starts at 2 o'clock and ends at 5 o'clock. It lasts 5 - 2 = 3 hours.

### Crossing the hour

A walk starts at 4:40 and ends at 5:10. Count up from 4:40 to 5:00, which is 20 minutes, then \
from 5:00 to 5:10, which is 10 more minutes. The walk takes 20 + 10 = 30 minutes.

## Days and weeks

A week has 7 days. If today is day 3 of a trip that lasts 10 days, there are 10 - 3 = 7 days \
still to go, which is exactly one week.
"""

_MEASURING = """# Measuring Length

Length tells how long something is. We measure it by counting how many equal units fit along \
the object from one end to the other.

## Using units

We could measure a table with paper clips, but everyone's clips might be different sizes. That \
is why we use standard units such as centimeters and meters. One meter equals 100 centimeters.

## Adding lengths

A ribbon is 12 cm long and another ribbon is 9 cm long. Laid end to end they reach \
12 + 9 = 21 cm.

### Around a shape

The distance all the way around a shape is its perimeter. A rectangle with sides of 5 cm and \
3 cm has perimeter 5 + 3 + 5 + 3 = 16 cm.

## Comparing lengths

A pencil is 17 cm long and a crayon is 8 cm long. The pencil is 17 - 8 = 9 cm longer. When you \
measure, always line up the end of the object with the zero mark on the ruler, not with the edge \
of the ruler.
"""

_EVEN_ODD = """# Even and Odd Numbers

Every whole number is either even or odd, never both. A number is even when that many objects \
can be arranged in pairs with nothing left over. It is odd when one object is left without a \
partner.

The even numbers begin 0, 2, 4, 6, 8, 10 and the odd numbers begin 1, 3, 5, 7, 9, 11. Even and \
odd numbers take turns as we count upward. To test a larger number, look only at its last digit. \
The number 358 ends in 8, so it is even. The number 4021 ends in 1, so it is odd.

There are simple rules for sums. Even plus even is even: 4 + 6 = 10. Odd plus odd is also even, \
because the two leftover objects can pair up with each other: 3 + 5 = 8. Even plus odd is odd: \
4 + 7 = 11, since exactly one object stays unpaired.

Try it with a class of 23 children. If they line up two by two, one child has no partner, so 23 \
is odd. When two more children arrive, there are 25, which is still odd, because adding an even \
number does not change whether a number is even or odd.
"""

_FACT_FAMILIES = """# Fact Families and Word Problems

A fact family is a group of addition and subtraction facts that use the same three numbers. \
Knowing one fact gives you the other three for free.

## One family, four facts

The numbers 3, 5 and 8 form a family:

- 3 + 5 = 8
- 5 + 3 = 8
- 8 - 5 = 3
- 8 - 3 = 5

The largest number is always the sum in the addition facts and the starting number in the \
subtraction facts.

## Finding a missing number

What number goes in the box in 6 + ? = 13? Use the family: 13 - 6 = 7, so the missing number \
is 7. Check: 6 + 7 = 13.

## Solving word problems step by step

### Step 1: read and picture

Sara has 5 kites. Her uncle gives her some more, and now she has 12. How many kites did her \
uncle give her? Picture a group of 5 growing to a group of 12.

### Step 2: choose the fact

We know a part (5) and the whole (12), so we want the other part: 12 - 5 = 7.

### Step 3: answer and check

Her uncle gave her 7 kites. Check by adding: 5 + 7 = 12. The answer is 7.
"""

TEXTBOOK_DOCS: tuple[str, ...] = (
    _COUNTING,
    _ADDITION,
    _SUBTRACTION,
    _NUMBER_LINE,
    _PLACE_VALUE,
    _DOUBLING,
    _COMPARING,
    _MONEY,
    _TIME,
    _MEASURING,
    _EVEN_ODD,
    _FACT_FAMILIES,
)

_WIKI: tuple[tuple[str, str], ...] = (
    (
        "wikipedia",
        """Addition

Addition is one of the four basic operations of arithmetic. It combines two numbers, called \
addends or summands, into a single number called their sum, written with the plus sign. For \
example, 3 + 4 = 7. For whole numbers, addition can be modeled as joining two collections of \
objects and counting the result. Addition of natural numbers is commutative and associative, \
and adding zero leaves a number unchanged. Repeated addition of the same number leads to \
multiplication.
""",
    ),
    (
        "wikipedia",
        """Subtraction

Subtraction is the arithmetic operation that removes one quantity from another. In the \
expression 9 - 4 = 5, the number 9 is the minuend, 4 is the subtrahend and 5 is the \
difference. Subtraction is the inverse of addition: the difference is the number that must be \
added to the subtrahend to get back the minuend. Unlike addition, subtraction is neither \
commutative nor associative; for instance 5 - 2 is not equal to 2 - 5. Within the natural \
numbers, a - b is only defined when b is at most a.
""",
    ),
    (
        "wikipedia",
        """Natural number

The natural numbers are the numbers used for counting: 1, 2, 3, and so on. Some authors also \
include 0, especially in set theory and computer science. The natural numbers are closed under \
addition and multiplication, meaning that the sum or product of two natural numbers is again a \
natural number. They are not closed under subtraction, since 2 - 5 is not a natural number. \
Every natural number has a successor, the next number after it, and there is no largest \
natural number.
""",
    ),
    (
        "proofwiki",
        """Commutative property

Definition

Let $\\circ$ be a binary operation on a set $S$. Then $\\circ$ is commutative if and only if:

$\\forall a, b \\in S: a \\circ b = b \\circ a$

Examples

Addition of natural numbers is commutative: $a + b = b + a$ for all natural numbers $a$ and \
$b$. For instance $2 + 7 = 7 + 2 = 9$.

Subtraction is not commutative, since $5 - 3 = 2$ while $3 - 5 = -2$.
""",
    ),
    (
        "proofwiki",
        """Associative property

Definition

Let $\\circ$ be a binary operation on a set $S$. Then $\\circ$ is associative if and only if:

$\\forall a, b, c \\in S: (a \\circ b) \\circ c = a \\circ (b \\circ c)$

Example

Addition of natural numbers is associative: $(2 + 3) + 4 = 5 + 4 = 9$ and \
$2 + (3 + 4) = 2 + 7 = 9$. Hence a sum of several numbers can be written without brackets.
""",
    ),
    (
        "proofwiki",
        """Additive identity

Definition

An additive identity is an element $e$ such that $a + e = e + a = a$ for every element $a$.

In the natural numbers (taken to include $0$), the additive identity is $0$:

$\\forall n \\in \\mathbb{N}: n + 0 = 0 + n = n$

The identity is unique: if $e$ and $e'$ are both additive identities, then \
$e = e + e' = e'$.
""",
    ),
    (
        "wikipedia",
        """Inverse operation

An inverse operation undoes the effect of another operation. Subtraction is the inverse of \
addition: starting from 6, adding 3 gives 9, and subtracting 3 from 9 returns to 6. In the same \
way, division is the inverse of multiplication. Inverse operations are used to check \
calculations and to solve equations. To solve x + 4 = 10, one subtracts 4 from both sides to \
obtain x = 6.
""",
    ),
    (
        "proofwiki",
        """Even number

Definition

An integer $n$ is even if and only if it is divisible by $2$, that is, if there exists an \
integer $k$ such that:

$n = 2 k$

Examples

The integers $0, 2, 4, 6, 8$ are even. Negative integers such as $-4$ may also be even, since \
$-4 = 2 \\times (-2)$.
""",
    ),
    (
        "proofwiki",
        """Odd number

Definition

An integer $n$ is odd if and only if it is not divisible by $2$, that is, if there exists an \
integer $k$ such that:

$n = 2 k + 1$

Examples

The integers $1, 3, 5, 7, 9$ are odd. Every integer is either even or odd, and no integer is \
both.
""",
    ),
    (
        "wikipedia",
        """Place value

Place value is the principle by which the value of a digit depends on its position within a \
numeral. In the decimal system each position is worth ten times the position to its right. \
Thus in 725 the digit 7 stands for seven hundreds, 2 for two tens and 5 for five ones, so that \
725 = 700 + 20 + 5. The digit zero is used as a placeholder to mark an empty position, as in \
305. Positional notation makes written arithmetic, such as column addition with carrying, \
straightforward.
""",
    ),
    (
        "wikipedia",
        """Number line

A number line is a picture of a straight line on which every point corresponds to a number. \
A point called the origin is labeled 0, and equally spaced marks to its right are labeled 1, 2, \
3 and so on, with negative numbers to the left. A number is greater than another exactly when \
it lies further to the right. Adding a positive number corresponds to moving right and \
subtracting corresponds to moving left. The distance between two points is the absolute value \
of their difference.
""",
    ),
    (
        "proofwiki",
        """Sum of two even numbers is even

Theorem

Let $m$ and $n$ be even integers. Then $m + n$ is even.

Proof

Since $m$ is even, there is an integer $a$ such that $m = 2 a$.

Since $n$ is even, there is an integer $b$ such that $n = 2 b$.

Then:

$m + n = 2 a + 2 b = 2 (a + b)$

As $a + b$ is an integer, $m + n$ is divisible by $2$.

Hence $m + n$ is even by definition.

$\\blacksquare$
""",
    ),
    (
        "proofwiki",
        """Sum of two odd numbers is even

Theorem

Let $m$ and $n$ be odd integers. Then $m + n$ is even.

Proof

Write $m = 2 a + 1$ and $n = 2 b + 1$ for integers $a$ and $b$.

Then:

$m + n = 2 a + 2 b + 2 = 2 (a + b + 1)$

Since $a + b + 1$ is an integer, $m + n$ is even.

$\\blacksquare$
""",
    ),
    (
        "proofwiki",
        """Sum of an even number and an odd number is odd

Theorem

Let $m$ be an even integer and $n$ an odd integer. Then $m + n$ is odd.

Proof

Write $m = 2 a$ and $n = 2 b + 1$ for integers $a$ and $b$.

Then $m + n = 2 (a + b) + 1$, which has the form $2 k + 1$ with $k = a + b$.

Hence $m + n$ is odd.

$\\blacksquare$
""",
    ),
    (
        "wikipedia",
        """Zero

Zero, written 0, is the number that represents an empty quantity. If a basket holds no apples, \
the number of apples in it is zero. Adding zero to any number leaves the number unchanged, and \
subtracting a number from itself gives zero, as in 8 - 8 = 0. In positional notation zero also \
serves as a placeholder digit. Zero is even, because it can be written as 2 times 0.
""",
    ),
    (
        "wikipedia",
        """Multiplication

Multiplication is a basic arithmetic operation that, for whole numbers, can be thought of as \
repeated addition. The product 3 x 4 means three groups of four, which is 4 + 4 + 4 = 12. The \
numbers being multiplied are called factors. Multiplication is commutative and associative, \
has 1 as its identity, and distributes over addition: 2 x (3 + 5) = 2 x 3 + 2 x 5 = 16.
""",
    ),
    (
        "proofwiki",
        """Successor

Definition

Let $n$ be a natural number. The successor of $n$ is the natural number $n + 1$.

Examples

The successor of $4$ is $5$, and the successor of $0$ is $1$.

Every natural number other than $0$ is the successor of exactly one natural number, called its \
predecessor. Counting a collection amounts to taking successors, starting from $0$, once for \
each object.
""",
    ),
    (
        "proofwiki",
        """Subtraction undoes addition

Theorem

Let $a$ and $b$ be natural numbers. Then:

$(a + b) - b = a$

Proof

By definition, $(a + b) - b$ is the unique natural number $c$ such that $c + b = a + b$.

The number $a$ satisfies $a + b = a + b$.

By uniqueness of the difference, $c = a$.

$\\blacksquare$
""",
    ),
    (
        "wikipedia",
        """Counting

Counting is the process of finding how many objects are in a finite collection. One assigns \
the numbers 1, 2, 3 and so on to the objects, one at a time, without skipping or repeating any \
object. The last number assigned is the number of objects in the collection. Counting is among \
the oldest mathematical activities; tally marks scratched on bones suggest that people counted \
long before writing was invented. Skip counting by twos, fives or tens speeds up counting of \
large collections.
""",
    ),
    (
        "wikipedia",
        """Digit

A digit is a single symbol used to write numbers. The decimal system uses the ten digits 0, 1, \
2, 3, 4, 5, 6, 7, 8 and 9. Numbers larger than nine are written by placing digits side by side, \
and the position of each digit determines its value. The number 60, for example, has two \
digits: 6 in the tens place and 0 in the ones place. The word comes from the Latin word for \
finger, since people often count on their fingers.
""",
    ),
)

WIKI_DOCS: tuple[str, ...] = tuple(text for _, text in _WIKI)
WIKI_SUBSETS: tuple[str, ...] = tuple(subset for subset, _ in _WIKI)
