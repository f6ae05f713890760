"""The nine topics of the guidance in Canadian French (locale/GLOSSARY.md: « thème »,
« pair aidant », « dérive des pairs »...), matched by their English title. A topic whose French
is already written, or whose French title another topic has, is left as it is. Each topic so
translated gets a history record saying where its French came from.

The peer-drift reference stays as published: a citation names its source in its own language.
"""

from django.db import migrations
from django.utils import timezone

REASON = "French translation of the community-of-practice guidance"

PEER_DRIFT_DEFINITION_FR = (
    "Il y a dérive des pairs lorsque les personnes qui offrent du soutien par les pairs ne se "
    "sentent pas à l'aise dans leur rôle axé sur le rétablissement et commencent à glisser vers "
    "un rôle de traitement plus médical."
)

FRENCH = {
    "Supporting participants experiencing pervasive feelings of hopelessness": {
        "title": "Soutenir les personnes participantes aux prises avec un sentiment de désespoir envahissant",
        "summary": (
            "Comment rester auprès d'une personne qui a l'impression que rien ne s'améliorera : "
            "écouter sans se précipiter pour régler les choses, partager l'espoir avec honnêteté "
            "et savoir quand l'orienter vers plus de soutien."
        ),
        "description": (
            "Un désespoir qui teinte tout est l'une des choses les plus difficiles à accueillir "
            "comme pair aidant. Cette séance aborde la façon dont il peut s'exprimer, les raisons "
            "pour lesquelles les paroles rassurantes (« ça va bien aller ») éloignent souvent les "
            "gens, et la façon dont votre propre vécu peut offrir de l'espoir sans minimiser le "
            "leur.\n\n"
            "Exercez-vous en duo à l'écoute réflexive et aux questions ouvertes ; parlez de petites "
            "étapes concrètes que la personne choisit elle-même ; et voyez ensemble quand le "
            "désespoir est un signe qu'il faut poser directement la question des idées suicidaires "
            "et suivre le protocole de votre campus.\n\n"
            "Terminez en parlant de ce que le soutien d'une personne dans cet état vous demande, "
            "et de la façon dont l'équipe peut faire un retour ensemble."
        ),
    },
    "Navigating conversations about medication as a peer supporter": {
        "title": "Parler de médication en tant que pair aidant",
        "summary": (
            "Ce qu'il faut dire, et ne pas dire, quand une personne participante parle de "
            "médicaments : partager votre propre expérience sans donner de conseils, et "
            "l'orienter vers les personnes qui peuvent le faire."
        ),
        "description": (
            "Les personnes participantes veulent souvent parler de commencer, de modifier ou "
            "d'arrêter un médicament. Les pairs aidants ne prescrivent pas, et les conseils sur "
            "la médication relèvent des professionnels de la santé qui suivent la personne ; "
            "pourtant, couper court à la conversation peut être perçu comme un jugement.\n\n"
            "Cette séance distingue ce qu'un pair peut faire (écouter, partager sa propre "
            "expérience en la présentant comme la sienne, aider la personne à préparer ses "
            "questions pour son médecin ou son pharmacien, respecter son choix) de ce qu'il ne "
            "devrait pas faire (recommander, comparer des doses, prédire des effets "
            "secondaires). Travaillez quelques courtes mises en situation, et convenez en équipe "
            "de la limite à respecter et de la marche à suivre si une personne risque d'arrêter "
            "brusquement un médicament."
        ),
    },
    "Supporting participants experiencing thoughts of suicide": {
        "title": "Soutenir les personnes participantes qui ont des idées suicidaires",
        "summary": (
            "Poser directement la question du suicide, rester avec la personne et suivre le "
            "protocole du campus pour l'orienter vers une aide urgente. À revoir chaque année."
        ),
        "description": (
            "Demander directement à une personne si elle pense au suicide ne lui met pas l'idée "
            "en tête ; cela lui montre qu'elle peut en parler. Cette séance permet de s'exercer "
            "à poser la question clairement, à écouter sans juger et à rester avec la personne "
            "pendant que vous l'orientez vers l'aide dont elle a besoin.\n\n"
            "Passez ensemble en revue le protocole de votre campus, étape par étape : qui "
            "appeler le jour, en dehors des heures d'ouverture et en cas d'urgence, ce que vous "
            "pouvez garder confidentiel et ce que vous ne pouvez pas garder pour vous, et comment "
            "passer le relais aux services de consultation psychologique ou d'intervention de "
            "crise. Assurez-vous que tout le monde sait où se trouve la liste de contacts à "
            "jour.\n\n"
            "Terminez en prenant soin des pairs aidants : faire un retour après une conversation "
            "difficile, et connaître le soutien à votre disposition. Comme les protocoles, les "
            "contacts et l'équipe changent, revoyez ce thème au moins une fois par année."
        ),
    },
    "Working as a part of an interdisciplinary team": {
        "title": "Travailler au sein d'une équipe interdisciplinaire",
        "summary": (
            "La place du soutien par les pairs aux côtés du personnel de consultation "
            "psychologique, des services de santé, du personnel des résidences et des autres "
            "services du campus : orientation, limites et collaboration."
        ),
        "description": (
            "Les pairs aidants travaillent aux côtés du personnel de consultation psychologique, "
            "du personnel infirmier, des médecins, des conseillers en accessibilité, du personnel "
            "des résidences et des services d'aumônerie. Cette séance permet de faire le point sur "
            "qui fait quoi sur votre campus, sur le moment et la façon d'orienter une personne, "
            "et sur les renseignements que vous pouvez communiquer aux autres services (avec le "
            "consentement de la personne participante) et ceux que vous ne pouvez pas "
            "communiquer.\n\n"
            "Discutez de ce que le soutien par les pairs apporte que les autres services "
            "n'apportent pas, de la façon de le faire valoir au sein d'une équipe et de la "
            "manière de gérer avec respect un désaccord avec un professionnel ou une "
            "professionnelle."
        ),
    },
    "Avoiding peer drift": {
        "title": "Éviter la dérive des pairs",
        "summary": PEER_DRIFT_DEFINITION_FR,
        "description": (
            "Elle peut s'installer graduellement : prendre des notes comme en clinique, proposer "
            "des diagnostics ou des conseils de traitement, orienter les conversations vers les "
            "symptômes, ou avoir l'impression que le vécu ne « suffit » pas à côté de l'expertise "
            "professionnelle.\n\n"
            "Cette séance aide les pairs aidants à reconnaître les signes de dérive en "
            "eux-mêmes et chez les autres, à renouer avec les valeurs du soutien par les pairs "
            "(réciprocité, espoir, autodétermination, savoir expérientiel) et à s'exercer à des "
            "réponses qui restent dans le rôle de pair. Apportez des exemples de moments où vous "
            "avez senti une pression vers un rôle plus clinique, et discutez de ce que l'équipe "
            "et les responsables peuvent faire pour s'entraider à garder le cap sur le "
            "rétablissement."
        ),
    },
    "Communicating the peer support role to others": {
        "title": "Faire connaître le rôle du soutien par les pairs",
        "summary": (
            "Expliquer clairement, aux personnes participantes, au personnel et au corps "
            "professoral, ce qu'est le soutien par les pairs, ce qu'il n'est pas et comment y "
            "avoir accès."
        ),
        "description": (
            "On confond souvent le soutien par les pairs avec la consultation psychologique, le "
            "tutorat ou l'amitié. Cette séance aide l'équipe à s'entendre sur une explication "
            "courte et honnête de ce que le soutien par les pairs offre sur votre campus, des "
            "personnes à qui il s'adresse et de ses limites.\n\n"
            "Exercez-vous à présenter cette explication à différents publics : une personne qui "
            "participe pour la première fois, une enseignante ou un enseignant qui oriente une "
            "personne étudiante, le personnel de consultation psychologique, une personne "
            "responsable d'étage en résidence. Discutez de la façon de préciser les attentes au "
            "début d'une conversation et de la réponse à donner quand quelqu'un demande quelque "
            "chose qui sort du rôle."
        ),
    },
    "Personal safety and anonymity": {
        "title": "Sécurité personnelle et anonymat",
        "summary": (
            "Assurer votre sécurité et protéger votre vie privée ainsi que l'anonymat des "
            "personnes participantes, en personne, en ligne et sur le campus."
        ),
        "description": (
            "Les pairs aidants sont des personnes étudiantes qui font partie de la même "
            "communauté que les personnes qu'ils soutiennent. Cette séance porte sur le choix de "
            "lieux sûrs et appropriés pour rencontrer les gens, sur ce qu'il faut faire si une "
            "conversation ne semble pas sécuritaire et sur les personnes à joindre ensuite.\n\n"
            "Elle porte aussi sur la vie privée : quelle part de votre histoire et de vos "
            "coordonnées partager, les médias sociaux, le fait de croiser des personnes "
            "participantes sur le campus ou en classe, et la confidentialité de ce que les "
            "personnes participantes vous confient, dans les limites fixées par votre programme."
        ),
    },
    "Wellness strategies for peer supporters": {
        "title": "Stratégies de mieux-être pour les pairs aidants",
        "summary": (
            "Prendre soin de votre propre bien-être tout en soutenant les autres : remarquer les "
            "tensions, fixer des limites et faire appel à l'équipe et aux ressources du campus."
        ),
        "description": (
            "Soutenir les autres tout en étudiant, et souvent en prenant soin de sa propre santé "
            "mentale, demande de l'énergie. Cette séance invite les pairs aidants à partager ce "
            "qui les aide à rester en bonne santé, à reconnaître les premiers signes "
            "d'épuisement ou d'usure de compassion, et à dire non ou à prendre du recul quand "
            "ils en ont besoin.\n\n"
            "Chaque personne peut esquisser un plan de mieux-être personnel simple, et l'équipe "
            "peut convenir de la façon de prendre des nouvelles les uns des autres et du moment "
            "où faire appel aux responsables."
        ),
    },
    "Cultural competency": {
        "title": "Compétence culturelle",
        "summary": (
            "Offrir un soutien par les pairs qui respecte la culture, l'identité et le vécu des "
            "personnes participantes, et prendre conscience de nos propres présupposés."
        ),
        "description": (
            "Les personnes participantes ont des origines culturelles, des croyances, des "
            "langues, des genres, des orientations sexuelles, des capacités et des expériences "
            "de discrimination différentes, qui influencent toutes leur façon de comprendre la "
            "détresse et la recherche d'aide.\n\n"
            "Cette séance invite les pairs aidants à réfléchir à leurs propres origines et "
            "présupposés, à s'exercer à poser des questions plutôt qu'à présumer, et à découvrir "
            "les ressources du campus et de la collectivité qui s'adressent à des communautés "
            "précises. La compétence culturelle est un apprentissage continu, pas une case à "
            "cocher : pensez à inviter une personne d'un groupe du campus ou de la collectivité "
            "à animer la séance."
        ),
    },
}

FIELDS = ("title", "summary", "description")


def translate_catalogue(apps, schema_editor):
    Topic = apps.get_model("training", "Topic")
    HistoricalTopic = apps.get_model("training", "HistoricalTopic")
    now = timezone.now()
    for english, french in FRENCH.items():
        topic = Topic.objects.filter(title_en__iexact=english).first()
        if topic is None or topic.title_fr:
            continue
        if Topic.objects.filter(title_fr__iexact=french["title"]).exists():
            continue
        for field in FIELDS:
            setattr(topic, f"{field}_fr", french[field])
        topic.save(update_fields=[f"{field}_fr" for field in FIELDS])
        record = {f.attname: getattr(topic, f.attname) for f in Topic._meta.concrete_fields}
        HistoricalTopic.objects.create(
            **record,
            history_date=now,
            history_type="~",
            history_change_reason=REASON,
        )


def untranslate_catalogue(apps, schema_editor):
    Topic = apps.get_model("training", "Topic")
    HistoricalTopic = apps.get_model("training", "HistoricalTopic")
    for french in FRENCH.values():
        Topic.objects.filter(title_fr=french["title"]).update(
            **{f"{field}_fr": None for field in FIELDS}
        )
    HistoricalTopic.objects.filter(history_change_reason=REASON).delete()


class Migration(migrations.Migration):
    dependencies = [("training", "0005_topic_languages")]

    operations = [migrations.RunPython(translate_catalogue, untranslate_catalogue)]
