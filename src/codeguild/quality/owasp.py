"""OWASP Top 10 (2021) categories, and which one each bandit test id belongs to."""

from __future__ import annotations

A01 = "A01:2021 Broken Access Control"
A02 = "A02:2021 Cryptographic Failures"
A03 = "A03:2021 Injection"
A04 = "A04:2021 Insecure Design"
A05 = "A05:2021 Security Misconfiguration"
A06 = "A06:2021 Vulnerable and Outdated Components"
A07 = "A07:2021 Identification and Authentication Failures"
A08 = "A08:2021 Software and Data Integrity Failures"
A09 = "A09:2021 Security Logging and Monitoring Failures"
A10 = "A10:2021 Server-Side Request Forgery"

CATEGORIES: tuple[str, ...] = (A01, A02, A03, A04, A05, A06, A07, A08, A09, A10)

# Bandit's test ids (bandit 1.7-1.9) by the weakness they detect. Ranges are spelled out so a
# reader can find any id with grep; an id missing here maps to None, never to a guess.
_BANDIT: dict[str, str] = {
    # debug/bind/permission settings left as shipped
    "B103": A01,  # set_bad_file_permissions
    "B104": A05,  # hardcoded_bind_all_interfaces
    "B108": A05,  # hardcoded_tmp_directory
    "B109": A05,  # password_config_option_not_marked_secret
    "B110": A09,  # try_except_pass: errors swallowed without a trace
    "B112": A09,  # try_except_continue
    "B113": A05,  # request_without_timeout
    "B201": A05,  # flask_debug_true
    "B202": A08,  # tarfile_unsafe_members
    "B101": A04,  # assert_used: checks that vanish under -O
    "B102": A03,  # exec_used
    "B105": A07,  # hardcoded_password_string
    "B106": A07,  # hardcoded_password_funcarg
    "B107": A07,  # hardcoded_password_default
    "B301": A08,  # pickle
    "B302": A08,  # marshal
    "B303": A02,  # md5/sha1
    "B304": A02,  # insecure cipher
    "B305": A02,  # insecure cipher mode
    "B306": A05,  # mktemp_q
    "B307": A03,  # eval
    "B308": A03,  # mark_safe (XSS)
    "B310": A10,  # urllib_urlopen with user-controlled schemes
    "B311": A02,  # random for security
    "B312": A02,  # telnetlib
    "B313": A05,  # xml parsers (B313-B320): entity expansion
    "B314": A05,
    "B315": A05,
    "B316": A05,
    "B317": A05,
    "B318": A05,
    "B319": A05,
    "B320": A05,
    "B321": A02,  # ftplib
    "B323": A02,  # unverified_context
    "B324": A02,  # hashlib weak hash
    "B401": A02,  # import telnetlib
    "B402": A02,  # import ftplib
    "B403": A08,  # import pickle
    "B404": A03,  # import subprocess
    "B405": A05,  # import xml.etree (B405-B411)
    "B406": A05,
    "B407": A05,
    "B408": A05,
    "B409": A05,
    "B410": A05,
    "B411": A05,
    "B412": A05,  # import httpoxy
    "B413": A02,  # import pycrypto
    "B415": A02,  # import pyghmi
    "B501": A02,  # request_with_no_cert_validation
    "B502": A02,  # ssl_with_bad_version
    "B503": A02,  # ssl_with_bad_defaults
    "B504": A02,  # ssl_with_no_version
    "B505": A02,  # weak_cryptographic_key
    "B506": A08,  # yaml_load
    "B507": A07,  # ssh_no_host_key_verification
    "B508": A02,  # snmp_insecure_version
    "B509": A02,  # snmp_weak_cryptography
    "B601": A03,  # paramiko_calls
    "B602": A03,  # subprocess_popen_with_shell_equals_true
    "B603": A03,  # subprocess_without_shell_equals_true
    "B604": A03,  # any_other_function_with_shell_equals_true
    "B605": A03,  # start_process_with_a_shell
    "B606": A03,  # start_process_with_no_shell
    "B607": A03,  # start_process_with_partial_path
    "B608": A03,  # hardcoded_sql_expressions
    "B609": A03,  # linux_commands_wildcard_injection
    "B610": A03,  # django_extra_used
    "B611": A03,  # django_rawsql_used
    "B612": A05,  # logging_config_insecure_listen
    "B613": A03,  # trojansource
    "B614": A08,  # pytorch_load
    "B615": A08,  # huggingface_unsafe_download
    "B701": A03,  # jinja2_autoescape_false (XSS)
    "B702": A03,  # use_of_mako_templates
    "B703": A03,  # django_mark_safe
    "B704": A03,  # markupsafe_markup_xss
}


def bandit_owasp(test_id: str) -> str | None:
    """The OWASP Top 10 (2021) category of a bandit test id such as ``"B602"``, if known."""
    return _BANDIT.get(test_id.strip().upper()[:4])
