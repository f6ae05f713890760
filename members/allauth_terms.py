"""allauth's own words whose French (allauth's catalogue, written in France) says « e-mail »:
listed here so that makemessages keeps them in our catalogue, which gives them in Canadian French
(« courriel », locale/GLOSSARY.md). Django prefers our catalogue (LOCALE_PATHS) to allauth's.
Nothing imports this module; the msgids must stay exactly allauth's."""

from django.utils.translation import gettext_noop as _

TERMS = (
    _("You cannot remove your primary email address."),
    _("This email address is already associated with this account."),
    _("The email address and/or password you specified are not correct."),
    _("A user is already registered with this email address."),
    _("You cannot add more than %d email addresses."),
    _("The email address is not assigned to any user account."),
    _("Your primary email address must be verified."),
    _("Marked {email} as verified."),
    _("Failed to mark {email} as verified."),
    _("Mark selected email addresses as verified"),
    _("Email address"),
    _("Username, email or phone"),
    _("Username or email"),
    _("Email or phone"),
    _("Email (again)"),
    _("Email address confirmation"),
    _("Email (optional)"),
    _("You must type the same email each time."),
    _("email address"),
    _("email addresses"),
    _("email confirmation"),
    _("email confirmations"),
    _("You cannot add an email address to an account protected by two-factor authentication."),
    _("You cannot activate two-factor authentication until you have verified your email address."),
    _(
        "An account already exists with this email address. Please sign in to "
        "that account first, then connect your %s account."
    ),
    _("Your account has no verified email address."),
    _("Email Verification"),
    _("Use a different email address"),
    _("Email Addresses"),
    _("The following email addresses are associated with your account:"),
    _("Add Email Address"),
    _("Add Email"),
    _("Do you really want to remove the selected email address?"),
    _(
        "You are receiving this email because you or someone else tried to "
        "signup for an\naccount using email address:\n\n%(email)s\n\nHowever, an "
        "account using that email address already exists.  In case you have\n"
        "forgotten about this, please use the password forgotten procedure to "
        "recover\nyour account:\n\n%(password_reset_url)s"
    ),
    _("You are receiving this mail because the following change was made to your account:"),
    _("Your email has been changed from %(from_email)s to %(to_email)s."),
    _("Email Changed"),
    _("Your email has been confirmed."),
    _("Email Confirmation"),
    _(
        "You're receiving this email because user %(user_display)s has given "
        "your email address to register an account on %(site_domain)s."
    ),
    _("Please Confirm Your Email Address"),
    _("Email address %(deleted_email)s has been removed from your account."),
    _("Email Removed"),
    _("This mail can be safely ignored if you did not initiate this action."),
    _(
        "You're receiving this email because you or someone else has requested "
        "a password reset for your user account.\nIt can be safely ignored if "
        "you did not request a password reset. Click the link below to reset "
        "your password."
    ),
    _("Password Reset Email"),
    _(
        "You are receiving this email because you, or someone else, tried to "
        "access an account with email %(email)s. However, we do not have any "
        "record of such an account in our database."
    ),
    _("Email Address"),
    _("Current email"),
    _("Your email address is still pending verification."),
    _("Change Email"),
    _("Confirm Email Address"),
    _(
        'Please confirm that <a href="mailto:%(email)s">%(email)s</a> is an '
        "email address for user %(user_display)s."
    ),
    _("Unable to confirm %(email)s because it is already confirmed by a different account."),
    _(
        "This email confirmation link expired or is invalid. Please <a "
        'href="%(email_url)s">issue a new email confirmation request</a>.'
    ),
    _("You cannot remove your primary email address (%(email)s)."),
    _("Confirmation email sent to %(email)s."),
    _("You have confirmed %(email)s."),
    _("Removed email address %(email)s."),
    _("Primary email address set."),
    _(
        "Forgotten your password? Enter your email address below, and we'll "
        "send you an email allowing you to reset it."
    ),
    _(
        "We have sent you an email. If you have not received it please check "
        "your spam folder. Otherwise contact us if you do not receive it in a "
        "few minutes."
    ),
    _(
        "You currently do not have any email address set up. You should really "
        "add an email address so you can receive notifications, reset your "
        "password, etc."
    ),
    _("Verify Your Email Address"),
    _(
        "We have sent an email to you for verification. Follow the link "
        "provided to finalize the signup process. If you do not see the "
        "verification email in your main inbox, check your spam folder. Please "
        "contact us if you do not receive the verification email within a few "
        "minutes."
    ),
    _(
        "This part of the site requires us to verify that\nyou are who you "
        "claim to be. For this purpose, we require that you\nverify ownership "
        "of your email address. "
    ),
    _(
        "We have sent an email to you for\nverification. Please click on the "
        "link inside that email. If you do not see the verification email in "
        "your main inbox, check your spam folder. Otherwise\ncontact us if you "
        "do not receive it within a few minutes."
    ),
    _(
        '<strong>Note:</strong> you can still <a href="%(email_url)s">change '
        "your email address</a>."
    ),
)
