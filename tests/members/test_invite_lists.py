from members.invite_lists import decode_upload, read_invite_list, role_for


def _rows(text):
    return [(r.line, r.email, r.name, r.role) for r in read_invite_list(text)]


def test_read_invite_list_pasted_formats():
    text = (
        "Ama Owusu <ama@x.ca>\n"
        "\n"
        "ben@x.ca, Ben Tremblay\n"
        "cleo@x.ca\n"
        '"Dana Roy" <dana@x.ca>, coordinator\n'
        "Eli Noor, eli@x.ca, partner\n"
        "fay@x.ca\tFay Li\n"
    )
    assert _rows(text) == [
        (1, "ama@x.ca", "Ama Owusu", ""),
        (3, "ben@x.ca", "Ben Tremblay", ""),
        (4, "cleo@x.ca", "", ""),
        (5, "dana@x.ca", "Dana Roy", "coordinator"),
        (6, "eli@x.ca", "Eli Noor", "partner"),
        (7, "fay@x.ca", "Fay Li", ""),
    ]


def test_read_invite_list_csv_with_header_numbers_lines_as_the_file():
    text = "\ufeffName,Email,Role\r\nAma Owusu,ama@x.ca,peer supporter\r\n\r\n,ben@x.ca,\r\n"
    assert _rows(text) == [(2, "ama@x.ca", "Ama Owusu", "peer supporter"), (4, "ben@x.ca", "", "")]


def test_read_invite_list_csv_quoted_name_with_comma():
    assert _rows('email,name\nama@x.ca,"Owusu, Ama"\n') == [(2, "ama@x.ca", "Owusu, Ama", "")]


def test_decode_upload_accepts_utf8_with_bom_and_refuses_latin1():
    assert decode_upload("\ufeffemail\nzoé@x.ca".encode()) == "email\nzoé@x.ca"
    try:
        decode_upload("zoé".encode("latin-1"))
    except ValueError as error:
        assert "UTF-8" in str(error)
    else:
        raise AssertionError("latin-1 was accepted")


def test_role_for_refuses_admin_and_unknown_roles():
    assert role_for("", "peer_supporter") == ("peer_supporter", "")
    assert role_for("Coordinator", "peer_supporter") == ("coordinator", "")
    assert role_for("admin", "peer_supporter")[1].startswith("Role not allowed")
    assert role_for("boss", "peer_supporter")[1].startswith("Unknown role “boss”")
