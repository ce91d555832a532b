"""Signatures carry the shingle scheme they were made with.

Every signature stored before this migration was made with scheme 1 (single letters and letter
pairs, for every script), under which any two long English texts looked ~0.84 similar. They
stay as they are, marked 1, and are no longer compared: `wenku discovery_reindex` (run by
`make setup`) recomputes them with the current scheme, in publication order.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("discovery", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="signature",
            name="scheme",
            field=models.PositiveSmallIntegerField(default=1),
            preserve_default=False,
        ),
    ]
