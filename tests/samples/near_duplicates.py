"""Altered copies of a text, as people make them to pass off someone else's document as theirs,
and English prose to alter (`english_text`; Chinese comes from wenku.samples.text).

Used by the discovery tests and bench/dedupe.py (not by the site).
"""

from __future__ import annotations

import random
import re

import rjieba

from wenku.discovery.minhash import normalize

# Same-length synonyms of words common in reports, in the style of "伪原创" synonym spinners;
# the first five are the swaps seen on the reference page (发展->开展, 基础->根底, ...).
SYNONYMS: dict[str, str] = dict(
    pair.split(":")
    for pair in str.split(
        """
    发展:开展 基础:根底 服务:效劳 项目:工程 多次:屡次 工作:任务 相关:有关 有关:相关 建设:修建
    规定:规则 重要:关键 根据:依据 进行:展开 单位:单元 审批:审核 材料:资料 基本:根本 审查:审阅
    切实:确实 重点:要点 不断:持续 技术:技能 工艺:技艺 提升:提高 企业:公司 评价:评估 实施:施行
    中心:核心 协调:协同 研究:研讨 保障:保证 顺利:平稳 方案:计划 产业:工业 各项:各个 编制:制定
    核实:核对 改革:变革 完成:达成 进展:发展 符合:契合 群众:大众 确保:保证 组织:安排 推进:推动
    机制:体制 加强:增强 测试:检测 教育:教学 批复:回复 评审:评定 手续:程序 论证:证明 持续:继续
    全面:周全 主动:自动 严格:严厉 稳步:稳定 规划:筹划 指标:目标 及时:实时 验收:检验 积极:踊跃
    投资:出资 扎实:牢固 学校:校园 意见:看法 认真:仔细 保护:维护 增强:加强 管理:办理 评估:评价
    优化:改进 加快:加速 监督:监察 目前:当前 明显:显著 提高:提升 落实:贯彻 开展:展开 支持:支撑
    建立:树立 情况:状况 部门:机构 问题:难题 要求:需求 措施:办法 进一步:更进一步 同时:一起
    """
    )
)

_YEAR = re.compile(r"(19|20)\d\d")
_NUMBER = re.compile(r"\d+")


def words(text: str) -> list[str]:
    """jieba's tokens of `text`, the separators included (a Latin word is one token)."""
    return rjieba.cut(text)


def _synonym(word: str) -> str | None:
    """The synonym of a Chinese or English word (an English one in the word's capitalisation)."""
    if word in SYNONYMS:
        return SYNONYMS[word]
    other = EN_SYNONYMS.get(word.lower())
    if other is None:
        return None
    if word.isupper() and len(word) > 1:
        return other.upper()
    return other.capitalize() if word[:1].isupper() else other


def swap_synonyms(
    text: str, fraction: float = 0.10, *, seed: int = 0, strict: bool = True
) -> tuple[str, float]:
    """Replace `fraction` of the words of `text` (jieba tokens holding a letter; an English word
    is one token) with synonyms, Chinese (SYNONYMS) or English (EN_SYNONYMS).

    Returns the new text and the fraction actually replaced. When the text has too few words
    with a known synonym to reach `fraction`, raises ValueError, or with `strict=False`
    replaces every one it has.
    """
    rng = random.Random(seed)
    tokens = words(text)
    positions = [i for i, w in enumerate(tokens) if normalize(w)]
    swappable = [i for i in positions if _synonym(tokens[i]) is not None]
    wanted = round(fraction * len(positions))
    if wanted > len(swappable) and not strict:
        wanted = len(swappable)
    if wanted > len(swappable):
        raise ValueError(f"only {len(swappable)} of {wanted} words have a synonym")
    for i in rng.sample(swappable, wanted):
        tokens[i] = _synonym(tokens[i]) or tokens[i]
    return "".join(tokens), wanted / max(len(positions), 1)


def change_years(text: str, delta: int = 1) -> str:
    """Every year (19xx/20xx) in `text` moved by `delta`, as in "2023年工作总结" -> "2024年..."."""
    return _YEAR.sub(lambda m: str(int(m.group()) + delta), text)


def change_numbers(text: str, *, seed: int = 0) -> str:
    """Every number in `text` replaced by another of the same length (figures "updated")."""
    rng = random.Random(seed)

    def other(match: re.Match[str]) -> str:
        digits = match.group()
        new = str(rng.randint(10 ** (len(digits) - 1), 10 ** len(digits) - 1))
        return new if new != digits else str(int(digits) + 1)

    return _NUMBER.sub(other, text)


def reflow(text: str, width: int = 60, *, hyphenate: bool = True) -> str:
    """`text` wrapped to lines of at most `width` characters, as a PDF of another page size
    gives it back: its own line breaks replaced, long words cut at a line's end with a hyphen
    (when `hyphenate`), paragraphs kept apart by a blank line. Breaks only at spaces: a
    Chinese paragraph stays one line (its line breaks would not matter to the shingles)."""
    out = []
    for paragraph in text.split("\n"):
        lines: list[str] = []
        line = ""
        for word in paragraph.split():
            if line and len(line) + 1 + len(word) > width:
                room = width - len(line) - 2
                if hyphenate and len(word) >= 8 and room >= 3 and word.isalpha():
                    cut = min(room, len(word) - 3)
                    lines.append(f"{line} {word[:cut]}-")
                    line = word[cut:]
                    continue
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
        out.append("\n".join(lines))
    return "\n\n".join(out)


# English ------------------------------------------------------------------------------------
#
# Unrelated English texts share their function words ("of the", "in a") and much of their
# common vocabulary; only the topic words, names and the order of the words tell them apart.
# The generator below keeps that shape: one grammar and one general vocabulary for every text,
# a vocabulary of its own for each topic, and invented names of people and places per text.


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# General vocabulary, shared by every topic. The words with a synonym in EN_SYNONYMS are 17-20%
# of a generated text's words (1-4% of the Python documentation bench/dedupe.py also uses).
_ADJECTIVES = _split(
    "important large small early recent common different simple difficult clear possible "
    "main new old whole usual strong rapid careful general particular similar certain final "
    "private public local national modern ancient major minor obvious complete famous"
)
_ADVERBS = _split(
    "often quickly carefully rarely usually slowly finally clearly mostly almost especially "
    "gradually frequently probably simply entirely largely directly certainly nearly"
)
_CONNECTIVES = (
    "However",
    "In addition",
    "As a result",
    "For example",
    "Nevertheless",
    "In practice",
    "At the same time",
    "On the other hand",
    "Moreover",
    "In the end",
    "By contrast",
    "For this reason",
    "Even so",
    "Later",
    "At first",
)
_PREPOSITIONS = _split(
    "in on with from near under during after before beyond across through against among "
    "about behind around within without toward"
)
_DETERMINERS = _split("the the the a this that each every some one another its their our")
_QUANTIFIERS = _split("many several few most some numerous all both various countless")
_SUBORDINATORS = _split("when because although while since unless until whereas once")
_REPORTING = _split(
    "showed found noted argued believed suggested explained claimed observed reported "
    "assumed realised understood wrote"
)
_GENERAL_NOUNS = _split(
    "time year way part problem place case point group number fact idea result method "
    "question reason change system effect purpose record account kind form detail area"
)
_GENERAL_VERBS = _split(
    "use/used help/helped begin/began need/needed show/showed make/made keep/kept "
    "find/found give/gave take/took try/tried build/built change/changed follow/followed "
    "explain/explained allow/allowed require/required buy/bought choose/chose"
)

# Topic vocabularies: nouns (singular), adjectives, verbs as "base/past".
TOPICS: dict[str, dict[str, tuple[str, ...]]] = {
    "astronomy": {
        "nouns": _split(
            "telescope star planet comet orbit galaxy nebula eclipse observatory lens mirror "
            "spectrum moon asteroid meteor constellation horizon satellite cluster supernova "
            "parallax astronomer catalogue photograph sky night instrument eyepiece dome "
            "trajectory magnitude"
        ),
        "adjectives": _split(
            "faint bright distant celestial lunar solar stellar orbital elliptical luminous "
            "variable binary cosmic infrared"
        ),
        "verbs": _split(
            "observe/observed measure/measured track/tracked photograph/photographed "
            "calculate/calculated discover/discovered align/aligned catalogue/catalogued "
            "predict/predicted rotate/rotated"
        ),
    },
    "cooking": {
        "nouns": _split(
            "kitchen recipe oven flour butter sugar dough sauce onion garlic pepper stock pan "
            "knife spoon bowl soup bread pastry cream cheese herb salt lemon crust broth "
            "skillet vinegar mustard chef dinner"
        ),
        "adjectives": _split(
            "fresh crisp tender golden savoury sweet bitter creamy spicy roasted chopped "
            "melted smoky fragrant"
        ),
        "verbs": _split(
            "stir/stirred bake/baked season/seasoned simmer/simmered slice/sliced knead/kneaded "
            "whisk/whisked roast/roasted taste/tasted chill/chilled"
        ),
    },
    "seafaring": {
        "nouns": _split(
            "ship harbour captain crew sail mast deck anchor voyage storm island coast cargo "
            "hull rudder compass tide wind sailor port vessel chart lighthouse reef galley "
            "rope cabin admiral fleet current"
        ),
        "adjectives": _split(
            "naval coastal rough calm westerly northern salty wooden square rigged seaworthy "
            "stormy tidal merchant"
        ),
        "verbs": _split(
            "sail/sailed anchor/anchored navigate/navigated steer/steered land/landed "
            "repair/repaired load/loaded chart/charted drift/drifted signal/signalled"
        ),
    },
    "medicine": {
        "nouns": _split(
            "patient doctor nurse hospital clinic fever infection vaccine symptom diagnosis "
            "treatment ward surgeon wound disease tablet dose blood heart lung kidney "
            "therapy trial pharmacy outbreak epidemic bandage prescription ambulance"
        ),
        "adjectives": _split(
            "chronic acute clinical surgical infectious medical viral bacterial mild severe "
            "elderly sterile contagious fatal"
        ),
        "verbs": _split(
            "treat/treated diagnose/diagnosed prescribe/prescribed examine/examined "
            "vaccinate/vaccinated recover/recovered admit/admitted operate/operated "
            "infect/infected monitor/monitored"
        ),
    },
    "law": {
        "nouns": _split(
            "court judge contract clause tenant landlord lease plaintiff defendant verdict "
            "appeal statute tribunal witness evidence lawyer claim damages liability "
            "agreement breach jurisdiction precedent ruling trust estate will deed dispute "
            "settlement"
        ),
        "adjectives": _split(
            "legal binding contractual statutory lawful void enforceable judicial criminal "
            "civil liable equitable procedural implied"
        ),
        "verbs": _split(
            "sue/sued rule/ruled sign/signed breach/breached enforce/enforced appeal/appealed "
            "testify/testified overturn/overturned settle/settled draft/drafted"
        ),
    },
    "gardening": {
        "nouns": _split(
            "garden soil seed rose hedge lawn compost bulb shrub orchard tree branch root "
            "leaf blossom fruit greenhouse spade bed vine weed fence pond moss tulip "
            "apple gardener season frost bee"
        ),
        "adjectives": _split(
            "green fertile hardy shady sunny damp perennial flowering evergreen wild pruned "
            "sandy dormant blooming"
        ),
        "verbs": _split(
            "plant/planted water/watered prune/pruned dig/dug sow/sowed harvest/harvested "
            "graft/grafted mulch/mulched weed/weeded transplant/transplanted"
        ),
    },
    "railways": {
        "nouns": _split(
            "railway locomotive engine carriage station platform signal track bridge tunnel "
            "timetable passenger freight wagon driver guard junction viaduct boiler steam "
            "coal ticket line branch depot gauge sleeper embankment conductor terminus"
        ),
        "adjectives": _split(
            "narrow electric diesel suburban express overnight underground elevated double "
            "single scenic rural industrial mainline"
        ),
        "verbs": _split(
            "haul/hauled couple/coupled shunt/shunted electrify/electrified "
            "derail/derailed schedule/scheduled board/boarded depart/departed "
            "arrive/arrived lay/laid"
        ),
    },
    "software": {
        "nouns": _split(
            "program compiler function variable server database query network protocol "
            "interface module library thread memory cache bug test release version "
            "developer repository branch commit parser kernel driver packet socket script "
            "algorithm"
        ),
        "adjectives": _split(
            "recursive concurrent static dynamic binary virtual remote encrypted "
            "asynchronous compiled deprecated scalable modular open"
        ),
        "verbs": _split(
            "compile/compiled debug/debugged deploy/deployed refactor/refactored "
            "merge/merged parse/parsed cache/cached install/installed encrypt/encrypted "
            "optimise/optimised"
        ),
    },
    "economics": {
        "nouns": _split(
            "market price wage tax bank loan interest inflation trade export import "
            "currency debt budget profit investor firm industry demand supply labour capital "
            "recession growth share bond tariff merchant consumer policy"
        ),
        "adjectives": _split(
            "fiscal monetary economic financial commercial industrial competitive "
            "profitable domestic foreign agricultural inflationary speculative nominal"
        ),
        "verbs": _split(
            "invest/invested lend/lent borrow/borrowed tax/taxed export/exported "
            "trade/traded earn/earned spend/spent save/saved regulate/regulated"
        ),
    },
    "geology": {
        "nouns": _split(
            "rock mineral fossil layer volcano earthquake glacier valley river sediment "
            "crystal quartz granite limestone basalt fault cliff cave canyon magma erosion "
            "stratum mountain plateau delta shale sandstone geologist outcrop"
        ),
        "adjectives": _split(
            "volcanic sedimentary igneous glacial metamorphic tectonic porous fossilised "
            "eroded layered molten alpine crystalline jagged"
        ),
        "verbs": _split(
            "erode/eroded deposit/deposited fold/folded crack/cracked melt/melted "
            "excavate/excavated date/dated survey/surveyed sample/sampled uplift/uplifted"
        ),
    },
    "music": {
        "nouns": _split(
            "orchestra symphony violin piano composer melody chord rhythm concert choir "
            "score opera conductor sonata harmony tempo cello flute trumpet drum song "
            "audience rehearsal quartet note scale key ballad singer stage"
        ),
        "adjectives": _split(
            "musical melodic harmonic orchestral choral lyrical rhythmic baroque romantic "
            "classical minor major tuneful solo"
        ),
        "verbs": _split(
            "compose/composed perform/performed rehearse/rehearsed tune/tuned "
            "conduct/conducted sing/sang play/played record/recorded arrange/arranged "
            "improvise/improvised"
        ),
    },
    "birds": {
        "nouns": _split(
            "bird nest egg feather wing beak owl hawk sparrow swallow heron gull wren robin "
            "crow migration flock song marsh wetland plumage chick predator insect "
            "birdwatcher binoculars species habitat colony perch"
        ),
        "adjectives": _split(
            "migratory nocturnal feathered colourful territorial breeding wading coastal "
            "native rare endangered juvenile adult songbird"
        ),
        "verbs": _split(
            "nest/nested migrate/migrated hatch/hatched feed/fed fly/flew ring/ringed "
            "count/counted spot/spotted breed/bred roost/roosted"
        ),
    },
}

EN_SYNONYMS: dict[str, str] = dict(
    pair.split(":")
    for pair in str.split(
        """
    important:significant large:big small:little early:initial recent:latest common:usual
    different:distinct simple:easy difficult:hard clear:plain possible:feasible main:chief
    strong:powerful rapid:fast careful:cautious general:broad particular:specific
    similar:comparable certain:sure final:last whole:entire modern:contemporary
    ancient:old major:principal complete:full famous:renowned often:frequently
    quickly:rapidly carefully:cautiously rarely:seldom usually:normally slowly:gradually
    finally:eventually clearly:plainly mostly:chiefly almost:nearly especially:particularly
    probably:likely simply:merely entirely:completely largely:mostly directly:straight
    certainly:surely many:numerous several:various
    however:nevertheless moreover:furthermore showed:demonstrated found:discovered
    noted:remarked argued:contended believed:thought suggested:proposed explained:clarified
    claimed:asserted observed:noticed reported:stated assumed:supposed wrote:penned
    time:period year:season way:manner part:portion problem:issue place:location
    case:instance point:moment group:set idea:notion result:outcome method:approach
    question:query reason:cause change:shift system:scheme effect:impact purpose:aim
    record:register account:report kind:sort detail:particular area:region use:employ
    used:employed help:assist helped:assisted begin:start began:started need:require
    needed:required show:display make:create made:created keep:retain kept:retained
    find:discover give:provide gave:provided take:seize took:seized try:attempt
    tried:attempted build:construct built:constructed follow:pursue followed:pursued
    allow:permit allowed:permitted buy:purchase bought:purchased choose:select
    chose:selected because:since although:though while:whilst
    """
    )
)


def _third_person(verb: str) -> str:
    if verb.endswith(("s", "sh", "ch", "x", "z")):
        return verb + "es"
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def _plural(noun: str) -> str:
    if noun.endswith(("s", "sh", "ch", "x")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    if noun.endswith("f"):
        return noun[:-1] + "ves"
    return noun + "s"


def _name(rng: random.Random) -> str:
    """An invented proper name: real texts are full of names no other text shares."""
    parts = _split(
        "ar bel cor dan el fen gar hal is jor kel lan mor nor os pel quin ros sal tor "
        "ber ford ley ton wick ham ville by stead mere"
    )
    return "".join(rng.choice(parts) for _ in range(rng.randint(2, 3))).capitalize()


class _EnglishWriter:
    """Sentences about one topic, with general words, connectives and names mixed in."""

    def __init__(self, topic: str, rng: random.Random) -> None:
        vocab = TOPICS[topic]
        self.rng = rng
        self.nouns = vocab["nouns"] + _GENERAL_NOUNS
        self.topic_nouns = vocab["nouns"]
        self.adjectives = vocab["adjectives"] + _ADJECTIVES
        self.verbs = [v.split("/") for v in vocab["verbs"] + _GENERAL_VERBS]
        self.names = [_name(rng) for _ in range(rng.randint(6, 14))]

    def np(self) -> str:
        """A noun phrase: determiner, maybe an adjective, a noun, maybe 'of' another."""
        c, r = self.rng.choice, self.rng.random()
        if r < 0.12:
            return c(self.names)
        if r < 0.25:
            return f"{c(_QUANTIFIERS)} {c(self.adjectives)} {_plural(c(self.topic_nouns))}"
        det = c(_DETERMINERS)
        adj = f"{c(self.adjectives)} " if self.rng.random() < 0.5 else ""
        noun = c(self.topic_nouns) if self.rng.random() < 0.7 else c(self.nouns)
        phrase = f"{det} {adj}{noun}"
        if det == "a" and phrase[2] in "aeiou":
            phrase = "an" + phrase[1:]
        if self.rng.random() < 0.2:
            phrase += f" of the {c(self.topic_nouns)}"
        return phrase

    def sentence(self) -> str:
        c, rng = self.rng.choice, self.rng
        base, past = c(self.verbs)
        kind = rng.randrange(9)
        if kind == 0:
            s = f"{self.np()} {past} {self.np()} {c(_PREPOSITIONS)} {self.np()}"
        elif kind == 1:
            year = rng.randint(1780, 2023)
            s = (
                f"in {year}, {c(self.names)} {c(_REPORTING)} that {self.np()} was "
                f"{c(self.adjectives)}"
            )
        elif kind == 2:
            s = (
                f"{c(_SUBORDINATORS)} {self.np()} is {c(self.adjectives)}, "
                f"{c(_QUANTIFIERS)} {_plural(c(self.topic_nouns))} {base} {self.np()} "
                f"{c(_ADVERBS)}"
            )
        elif kind == 3:
            s = f"{c(_CONNECTIVES)}, we {base} {self.np()} which {past} {self.np()}"
        elif kind == 4:
            s = (
                f"there are {rng.randint(2, 400)} {_plural(c(self.topic_nouns))} "
                f"{c(_PREPOSITIONS)} {self.np()}, and each of them {_third_person(base)} "
                f"{self.np()}"
            )
        elif kind == 5:
            s = (
                f"{self.np()} {_third_person(base)} {c(_ADVERBS)} on {self.np()} "
                f"{c(_PREPOSITIONS)} {self.np()}"
            )
        elif kind == 6:
            s = (
                f"{c(self.names)} {past} {self.np()} {c(_ADVERBS)}; they {c(_REPORTING)} "
                f"it {c(_PREPOSITIONS)} {self.np()} {c(_SUBORDINATORS)} {self.np()} was "
                f"{c(self.adjectives)}"
            )
        elif kind == 7:
            s = (
                f"why did {self.np()} {base} {self.np()} {c(_SUBORDINATORS)} {self.np()} "
                f"was not {c(self.adjectives)}"
            )
            return s[0].upper() + s[1:] + "?"
        else:
            s = (
                f"it is {c(self.adjectives)} to {base} {self.np()} {c(_PREPOSITIONS)} "
                f"{self.np()}, but {self.np()} {past} it {c(_ADVERBS)}"
            )
        return s[0].upper() + s[1:] + "."


def english_text(words: int, topic: str, seed: int = 0) -> list[str]:
    """About `words` words of English prose on `topic` (a key of TOPICS), as paragraphs of
    3-8 sentences. Deterministic for (topic, seed); different seeds on one topic give the
    hardest unrelated pairs: same vocabulary, same grammar, different sentences and names."""
    rng = random.Random(f"en-{topic}-{seed}")
    writer = _EnglishWriter(topic, rng)
    paragraphs: list[str] = []
    count = 0
    while count < words:
        paragraph = " ".join(writer.sentence() for _ in range(rng.randint(3, 8)))
        paragraphs.append(paragraph)
        count += len(paragraph.split())
    return paragraphs
