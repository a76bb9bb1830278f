"""The digest `make bench` mails (ifex/bench_mail.py): the size of a real one."""

from ifex.core.mailing import Mail, MailRenderer

DIGEST_ARTICLES = 25  # about what a week brings: 17 KB of HTML and 6 KB of text


class BenchDigest(MailRenderer):
    """A digest the size of a real one, written once; each copy differs by its links only."""

    def __init__(self, mailing):
        super().__init__(mailing)
        items = [
            (
                f"Article {n}: journalists in the region call for an independent inquiry",
                "A two-sentence teaser, as editors write them for listings and the digest. "
                "It says what happened and why it matters to the network.",
                f"https://noimpunity.example.org/articles/article-{n}/",
            )
            for n in range(DIGEST_ARTICLES)
        ]
        self.text = "\n\n".join(f"{title}\n{teaser}\n{url}" for title, teaser, url in items)
        self.html = (
            "<html><body><h1>This week</h1>"
            + "".join(
                f'<h2><a href="{url}">{title}</a></h2><p>{teaser}</p>'
                f"<p>{teaser} {teaser} {teaser}</p>"
                for title, teaser, url in items
            )
            + "</body></html>"
        )

    def render(self, delivery, links):
        return Mail(subject=self.mailing.subject, text=self.text, html=self.html)
