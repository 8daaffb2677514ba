from rest_framework import serializers

from ..models import Organization


class OrganizationSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, default=None, allow_null=True)
    label = serializers.CharField(
        read_only=True,
        help_text="The name as lists show it: below unit level prefixed with the unit, e.g. 市财政局 / 办公室党支部.",
    )

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "kind",
            "kind_display",
            "parent",
            "unit",
            "unit_name",
            "label",
            "order",
            "depth",
            "is_active",
            "term_start",
            "term_end",
        ]
        read_only_fields = ["depth", "term_start", "term_end"]
