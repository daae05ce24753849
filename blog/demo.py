"""Demo blog for seed_demo: an author, a series of three articles and one article on its own.

Idempotent: pages are found by slug under their parent and authors by slug; what exists is
left as it is (the therapist may have edited it), except that the practice block is added
to its article once the practice exists.
"""

import datetime
import io
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.images import ImageFile
from wagtail.images import get_image_model
from wagtail.models import Site

from .models import ArticlePage, Author, BlogIndexPage, HomePage, SeriesPage

HOME_TITLE = "Maya Okafor, couples therapy"
HOME_INTRO = (
    "<p>Plain writing about the things couples bring to therapy: feeling safe with each "
    "other, mending trust, and the ordinary arguments that wear a relationship thin. "
    "Read at your own pace; nothing here replaces talking with someone who knows you.</p>"
)

AUTHOR = {
    "slug": "maya-okafor",
    "name": "Maya Okafor",
    "credentials": "LMFT",
    "bio": (
        "Maya is a licensed marriage and family therapist who has worked with couples for "
        "fifteen years. She writes about the small, repeatable things that help two people "
        "feel safe enough to be honest with each other."
    ),
    "website": "https://example.com/maya-okafor",
}

SERIES = {
    "slug": "feeling-safe-together",
    "title": "Feeling safe together",
    "description": (
        "<p>Three short pieces for couples who love each other and still keep hurting each "
        "other: what emotional safety is, how trust is mended after it breaks, and how to "
        "have the everyday fights without anyone getting lost in them.</p>"
    ),
}


def p(*paragraphs):
    return [{"type": "paragraph", "value": f"<p>{text}</p>"} for text in paragraphs]


def h(text):
    return [{"type": "heading", "value": text}]


def quote(text):
    return [{"type": "pull_quote", "value": {"quote": text, "attribution": ""}}]


SAFETY = {
    "slug": "what-emotional-safety-is",
    "title": "What emotional safety is, and what it is not",
    "date": datetime.date(2026, 9, 7),
    "intro": (
        "Safety is not a relationship without conflict. It is knowing that a hard "
        "conversation will not cost you the person you are having it with."
    ),
    "tags": ["emotional safety", "communication"],
    "body": [
        *p(
            "When couples first come to see me, they often say they want to stop arguing. "
            "Usually, after a few weeks, it turns out that is not quite it. They want to "
            "stop being afraid of arguing. They want to be able to say “that hurt me” "
            "without bracing for what comes back.",
            "That is what I mean by emotional safety: the settled, bodily sense that you can "
            "bring your whole self into the room, including the parts that are worried, "
            "angry or ashamed, and that the other person will still be there, still on your "
            "side, when the conversation is over.",
        ),
        *h("What it is not"),
        *p(
            "Emotional safety is not the same as comfort. Safe couples still disagree, sometimes "
            "loudly. They still get tired and short with each other. What is different is that "
            "the disagreement stays about the thing, the money or the in-laws or the dishes, "
            "and does not turn into a verdict on who the other person is.",
            "It is also not something one partner can give the other on demand. Saying “you "
            "should feel safe with me” rarely helps. Safety is built from evidence, and the "
            "evidence is small: how you answer when your partner is upset, whether you turn "
            "toward them or away, whether your tone stays kind when you are tired.",
        ),
        *quote("Safety is built from evidence, and the evidence is small."),
        *h("Noticing it in your body"),
        *p(
            "Most of us can feel safety, or its absence, before we can name it. A tight "
            "jaw when your partner's key turns in the door. Rehearsing what you will say "
            "before you bring something up. Relief when they laugh. These are not "
            "overreactions; they are information about how the relationship feels from the "
            "inside.",
            "A useful first step is simply to notice, without judging yourself or your "
            "partner, the moments in a week when you felt more guarded and the moments "
            "when you felt you could breathe out. Patterns show up quickly.",
        ),
        *h("Where to begin"),
        *p(
            "Start smaller than you think. Pick one conversation this week that usually goes "
            "badly and change one thing about how you open it: a softer first sentence, a "
            "question instead of a complaint, or simply asking whether now is a good time. "
            "Then notice what happens next, in you and in them.",
        ),
    ],
}

REPAIR = {
    "slug": "repair-after-a-breach-of-trust",
    "title": "After a breach of trust: the slow work of repair",
    "date": datetime.date(2026, 9, 21),
    "intro": (
        "An apology opens the door to repair; it is not the repair itself. What follows is "
        "slower, quieter, and more hopeful than most couples expect."
    ),
    "tags": ["repair", "trust"],
    "body": [
        *p(
            "Trust can break in a single evening: a discovered message, a lie about money, a "
            "promise kept to everyone except the person it was made to. The partner who was "
            "hurt often describes the ground giving way. The partner who caused the hurt "
            "often wants, more than anything, for it to be over.",
            "Both reactions make sense. And both can get in the way, because repair runs on "
            "its own clock, and that clock is set by the person who was hurt.",
        ),
        *h("An apology is a beginning"),
        *p(
            "A good apology names what happened without softening it, shows that you understand "
            "what it cost the other person, and says what you will do differently. It does "
            "not include the word “but”. It does not ask to be forgiven by a certain date.",
            "Even a very good apology, though, only opens the door. What rebuilds trust is "
            "what you do in the weeks and months that follow, over and over, especially when "
            "no one is checking.",
        ),
        *quote("Repair is not saying sorry quickly. It is staying long enough to understand."),
        *h("Questions, again and again"),
        *p(
            "The hurt partner will often ask the same questions many times. This is not "
            "punishment, even when it feels like it. It is how a mind tries to make sense of "
            "something that did not make sense. Answering patiently, without sighing or "
            "pointing out that you have answered before, is one of the most powerful things "
            "the other partner can do.",
            "If you are the one asking, it can help to say what you need from the answer: "
            "“I don't need new details, I need to hear that you understand why this scared "
            "me.” That turns an interrogation back into a conversation.",
        ),
        *h("Signs it is working"),
        *p(
            "Repair rarely feels like a breakthrough. More often it looks like fewer bad "
            "nights, a joke that lands, a difficult subject raised and survived. Progress "
            "goes in loops rather than a straight line, and a setback on a hard anniversary "
            "does not mean you are back at the start.",
            "If you are working on repair with a therapist, bring those small signs to your "
            "sessions as well as the hard moments. They are evidence too.",
        ),
    ],
}

CONFLICT = {
    "slug": "everyday-conflict",
    "title": "The small fights: everyday conflict without casualties",
    "date": datetime.date(2026, 10, 5),
    "intro": (
        "Most couples do not come apart over one big betrayal. They wear thin over a thousand "
        "small fights about towels, lateness and whose turn it is. Those fights can be done "
        "better."
    ),
    "tags": ["conflict", "communication"],
    "body": [
        *p(
            "If you listen to a couple's argument about the dishwasher for long enough, you "
            "usually find it is not about the dishwasher. It is about feeling unnoticed, or "
            "taken for granted, or alone with the work of keeping a home going. The dishwasher "
            "is just where the feeling came up for air.",
            "That does not mean the practical problem does not matter. It means that solving "
            "only the practical problem tends to leave the feeling behind, and the feeling "
            "will find a new appliance.",
        ),
        *h("Start softly"),
        *p(
            "How a disagreement begins predicts a great deal about how it ends. An opening "
            "that starts with “you always” or “you never” invites a defence, and then both "
            "of you are arguing about the word “always”. Try starting with what you feel and "
            "what you need: “I'm worn out and I'd love some help with the kitchen tonight.”",
        ),
        *h("Take a break before you need one"),
        *p(
            "When either of you is flooded, heart racing, thoughts narrowing, the conversation "
            "has already stopped being useful. Agree in a calm moment that either of you can "
            "call a pause, say how long it will be, and promise to come back. The coming "
            "back is what makes the pause feel safe rather than like being left.",
        ),
        *quote("The coming back is what makes the pause feel safe."),
        *h("Repair in small doses"),
        *p(
            "Small fights need small repairs: a hand on the shoulder, “that came out harsher "
            "than I meant”, a cup of tea made without being asked. Couples who do well are "
            "not the ones who never snap at each other. They are the ones who notice quickly "
            "and reach back across the gap.",
            "This week, try noticing one repair attempt your partner makes, however clumsy, "
            "and letting it land.",
        ),
    ],
}

STANDALONE = {
    "slug": "why-your-body-reacts-first",
    "title": "Why your body reacts before you do",
    "date": datetime.date(2026, 10, 19),
    "intro": (
        "A racing heart in the middle of an argument is not a character flaw. It is an old "
        "alarm doing its job, and it can be turned down."
    ),
    "tags": ["emotional safety", "the body"],
    "body": [
        *p(
            "Many people tell me they say things in arguments that they do not recognise as "
            "their own. Afterwards they feel ashamed and confused: that is not who they are. "
            "Usually they are right. What spoke was the part of them that was trying to keep "
            "them safe.",
            "When we feel threatened, including by the tone of someone we love, the body "
            "prepares to fight, flee or freeze. Heart rate climbs, breathing gets shallow, "
            "and the parts of the brain that weigh up nuance and remember that this is your "
            "partner, not an enemy, get quieter.",
        ),
        *h("Knowing your signals"),
        *p(
            "Everyone's early warning signs are a little different: heat in the face, a "
            "clenched stomach, a sudden urge to leave the room or to win. Learning your own is "
            "worth the effort, because the earlier you notice, the easier it is to slow down.",
        ),
        *h("Turning the alarm down"),
        *p(
            "Slow breathing, with the out-breath longer than the in-breath, tells the body the "
            "danger has passed. So does a short walk, cold water on the wrists, or simply "
            "putting your feet flat on the floor and noticing the weight of them.",
            "None of this is about suppressing what you feel. It is about getting back to "
            "the version of you who can say it in a way your partner can hear.",
        ),
    ],
}

SERIES_PARTS = [SAFETY, REPAIR, CONFLICT]
# The practice (pausing when a conversation heats up) sits after the article's section on
# taking a break, just before this heading.
PRACTICE_ARTICLE = CONFLICT
PRACTICE_BEFORE_HEADING = "Repair in small doses"


def seed(people, practices):
    """Returns the demo content other apps refer to, by name."""
    author = _author(people.get("therapist"))
    home = _home()
    _site(home)
    index = _child(
        home,
        BlogIndexPage,
        slug="blog",
        title="Articles",
        intro=(
            "<p>Articles for couples and anyone who wants to feel safer in their closest "
            "relationships. Some are grouped into series; start at part one.</p>"
        ),
    )
    series = _child(
        index,
        SeriesPage,
        slug=SERIES["slug"],
        title=SERIES["title"],
        description=SERIES["description"],
    )
    practice = practices.get("emotional_safety") if practices else None

    articles = []
    for spec in SERIES_PARTS:
        articles.append(
            _article(series, spec, author, practice if spec is PRACTICE_ARTICLE else None)
        )
    articles.append(_article(index, STANDALONE, author, None))
    return {
        "home": home,
        "index": index,
        "series": series,
        "articles": articles,
        "practice_article": articles[SERIES_PARTS.index(PRACTICE_ARTICLE)],
        "author": author,
    }


def _author(user):
    author = Author.objects.filter(slug=AUTHOR["slug"]).first()
    if author is None:
        author = Author.objects.create(**AUTHOR, user=user)
    elif author.user_id is None and user is not None:
        author.user = user
        author.save(update_fields=["user"])
    return author


def _site(home):
    """Point the default site at BASE_URL, so full links (feed, sitemap) work in the demo."""
    url = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    port = url.port or (443 if url.scheme == "https" else 80)
    site = Site.objects.filter(is_default_site=True, hostname="localhost", port=80).first()
    if site is not None:
        site.hostname, site.port, site.root_page = url.hostname or "localhost", port, home
        site.save()  # save(), not update(): it clears Wagtail's cached site root paths


def _home():
    home = HomePage.objects.get(depth=2)
    if not home.intro:
        home.title = HOME_TITLE
        home.intro = HOME_INTRO
        home.save_revision().publish()
    return home


def _child(parent, model, slug, **fields):
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = parent.add_child(instance=model(slug=slug, **fields))
        page.save_revision().publish()
    return page


def _article(parent, spec, author, practice):
    article = ArticlePage.objects.child_of(parent).filter(slug=spec["slug"]).first()
    if article is None:
        body = list(spec["body"])
        if practice is not None:
            body.insert(_practice_position(body), {"type": "practice", "value": practice.pk})
        article = ArticlePage(
            slug=spec["slug"],
            title=spec["title"],
            date=spec["date"],
            intro=spec["intro"],
            author=author,
            hero_image=_hero_image(spec),
            body=body,
        )
        parent.add_child(instance=article)
        article.tags.set(spec["tags"])
        article.save_revision().publish()
    elif practice is not None and not any(b.block_type == "practice" for b in article.body):
        # The practice was made after the article (seeded before the homework app had one).
        raw = [{"type": b.block_type, "value": b.value} for b in article.body]
        article.body.insert(_practice_position(raw), ("practice", practice))
        article.save_revision().publish()
    article.refresh_from_db()
    return article


def _practice_position(body):
    for i, block in enumerate(body):
        if block["type"] == "heading" and block["value"] == PRACTICE_BEFORE_HEADING:
            return i
    return len(body)


# Soft two-colour washes, one per article: decorative, so they carry no alt text.
HERO_COLOURS = {
    SAFETY["slug"]: ((214, 232, 228), (160, 198, 190)),
    REPAIR["slug"]: ((244, 226, 208), (212, 170, 140)),
    CONFLICT["slug"]: ((226, 228, 240), (170, 176, 212)),
    STANDALONE["slug"]: ((236, 230, 214), (196, 184, 150)),
}


def _hero_image(spec):
    from PIL import Image as PILImage
    from PIL import ImageDraw

    Image = get_image_model()
    title = f"Demo: {spec['title']}"
    existing = Image.objects.filter(title=title).first()
    if existing is not None:
        return existing
    light, deep = HERO_COLOURS[spec["slug"]]
    width, height = 1600, 800
    canvas = PILImage.new("RGB", (width, height), light)
    draw = ImageDraw.Draw(canvas)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(light, deep, strict=True)),
        )
    for i, (cx, cy, r) in enumerate([(1180, 260, 220), (1380, 520, 150), (300, 600, 260)]):
        shade = tuple(min(255, c + 18 + 6 * i) for c in light)
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=shade)
    buffer = io.BytesIO()
    canvas.save(buffer, "JPEG", quality=85)
    return Image.objects.create(
        title=title,
        description="",
        file=ImageFile(buffer, name=f"demo-{spec['slug']}.jpg"),
    )
