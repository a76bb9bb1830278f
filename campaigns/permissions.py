from wagtail.models import PagePermissionTester

EDIT_HOME_PAGE = "campaigns.edit_home_page"


class HomePagePermissionTester(PagePermissionTester):
    """The home page alone, opened to whoever may edit it (campaign staff: its figures and
    campaign blocks). Wagtail's page permissions cascade: granted on the home page, they would
    let campaign staff publish every article and statement below it, past the statement review.
    Unpublishing, moving, deleting or making private the home page (the whole site) stays with
    superusers."""

    def __init__(self, user, page):
        super().__init__(user, page)
        self.opened_to_user = (
            user.is_active and not user.is_superuser and user.has_perm(EDIT_HOME_PAGE)
        )
        if self.opened_to_user:
            self.permissions = self.permissions | {"change", "publish"}

    def can_unpublish(self):
        return not self.opened_to_user and super().can_unpublish()

    def can_delete(self, ignore_bulk=False):
        return not self.opened_to_user and super().can_delete(ignore_bulk)

    def can_move(self):
        return not self.opened_to_user and super().can_move()

    def can_set_view_restrictions(self):
        return not self.opened_to_user and super().can_set_view_restrictions()
