import pytest

from tests.support import WITHHELD_NAME


@pytest.fixture
def withheld_case(case_index, mexico):
    """A case whose person's name is withheld, for the tests of where that name must not go."""
    from cases.factories import CasePageFactory

    return CasePageFactory(
        parent=case_index,
        title="Reporter attacked in Veracruz",
        slug="reporter-attacked-in-veracruz",
        person_name=WITHHELD_NAME,
        name_withheld=True,
        country=mexico,
        summary="<p>Attacked after reporting on a quarry.</p>",
    )
